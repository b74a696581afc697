import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { relayOutbox } from '../../../../libs/requests/outbox-relay';
import { TemporalClientService } from '../../../../libs/temporal/temporal-client.module';

/**
 * Carries committed workflow starts and signals to Temporal: at once after each commit (`kick`),
 * and every `intervalMs` for whatever is still undelivered (Temporal was unreachable, or the
 * process died between commit and delivery). Safe to run in every API process.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly pending = new Set<Promise<unknown>>();
  readonly intervalMs = 1000;

  constructor(
    private readonly orm: MikroORM,
    private readonly temporal: TemporalClientService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([this.running, ...this.pending]);
  }

  private readonly queued: string[] = [];
  private draining: Promise<void> | null = null;

  /**
   * Delivers these rows soon, without making the caller wait: kicks are coalesced into batches
   * (one claim per batch, workflows in parallel). The sweep is the safety net.
   */
  kick(ids: string[]): void {
    this.queued.push(...ids);
    if (this.draining) return;
    const drain = (async () => {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0, 200);
        await relayOutbox(this.orm.em, () => this.temporal.getClient(), { ids: batch }).catch((err) =>
          this.logger.warn(`immediate delivery deferred to the relay: ${String(err)}`),
        );
      }
    })().finally(() => {
      this.draining = null;
      this.pending.delete(drain);
    });
    this.draining = drain;
    this.pending.add(drain);
  }

  /** One sweep over every due row; overlapping sweeps are skipped. */
  sweep(): Promise<unknown> {
    if (this.running) return this.running;
    this.running = relayOutbox(this.orm.em, () => this.temporal.getClient(), { limit: 200 })
      .catch((err) => this.logger.warn(`outbox sweep failed: ${String(err)}`))
      .finally(() => (this.running = null));
    return this.running;
  }

  get taskQueue(): string {
    return this.config.temporal.taskQueue;
  }
}
