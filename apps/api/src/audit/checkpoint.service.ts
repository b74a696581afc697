import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { signCheckpoint, type Checkpoint, type CheckpointKey } from '../../../../libs/audit/checkpoint';
import { loadCheckpointKey, readCheckpoints, writeCheckpoint, type CheckpointSettings } from '../../../../libs/audit/checkpoint-store';
import { verifyCheckpoints, type CheckpointCheck } from '../../../../libs/audit/checkpoint-verify';
import { chainHead } from '../../../../libs/audit/query';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { durationToMs } from '../../../../libs/domain/sla';

/**
 * The anchored head: signs `{seq, hash, at}` of the ledger head on a schedule (CHECKPOINT_INTERVAL,
 * default 15 minutes) and whenever an evidence pack is built, and writes it to the sinks outside
 * the database. Runs in every API process; each one's checkpoints are equally valid.
 */
@Injectable()
export class CheckpointService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Checkpoints');
  private readonly settings: CheckpointSettings;
  private key: Promise<CheckpointKey> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly orm: MikroORM,
    @Inject(CONFIG) config: Config,
  ) {
    this.settings = { dir: config.checkpoints.dir, signingKeyPem: config.checkpoints.signingKeyPem, httpSinkUrl: config.checkpoints.httpSinkUrl };
    this.intervalMs = durationToMs(config.checkpoints.interval);
  }

  readonly intervalMs: number;

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.take()
        .catch((err) => this.logger.error(`scheduled checkpoint failed: ${String(err)}`))
        .finally(() => (this.running = null));
    }, this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** The signing key, loaded (or in development generated) once. */
  signingKey(): Promise<CheckpointKey> {
    this.key ??= loadCheckpointKey(this.settings).catch((err: unknown) => {
      this.key = null;
      throw err;
    });
    return this.key;
  }

  /**
   * Signs the current head (as `em` sees it: an evidence pack passes its snapshot) and writes it to
   * every sink; null for an empty ledger (nothing to anchor).
   */
  async take(em: EntityManager = this.orm.em.fork()): Promise<Checkpoint | null> {
    const key = await this.signingKey();
    const head = await chainHead(em);
    if (!head) return null;
    const checkpoint = signCheckpoint(key, head, new Date());
    await writeCheckpoint(this.settings, checkpoint);
    return checkpoint;
  }

  /** Every checkpoint in the file sink, oldest first, as stored (genuine or not). */
  async stored() {
    return readCheckpoints(this.settings);
  }

  /** Every stored checkpoint checked for its signature and against the table. */
  async verifyAll(): Promise<CheckpointCheck> {
    const key = await this.signingKey();
    return verifyCheckpoints(this.orm.em.fork(), key.publicKey, await this.stored());
  }
}
