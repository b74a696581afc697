import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { durationToMs } from '../../../../libs/domain/sla';

/**
 * Deletes expired browser sessions (`http_session`) every SESSION_SWEEP_INTERVAL (ADR 157), so a
 * table that only grows on sign-in also shrinks without anyone signing in. Every API process
 * sweeps; the DELETE is idempotent, so two at once cost nothing. `0s` turns the schedule off.
 */
@Injectable()
export class SessionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SessionSweeper');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly orm: MikroORM,
  ) {}

  onApplicationBootstrap(): void {
    const every = durationToMs(this.config.sessionSweepInterval);
    if (every === 0) return;
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.logger.warn(`session sweep failed: ${err instanceof Error ? err.message : String(err)}`));
    }, every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Deletes the sessions whose expiry has passed; returns how many. */
  async sweep(): Promise<number> {
    const rows = await this.orm.em.getConnection().execute<{ sid: string }[]>('DELETE FROM http_session WHERE expires_at < now() RETURNING sid', [], 'all');
    if (rows.length > 0) this.logger.log(`swept ${rows.length} expired sessions`);
    return rows.length;
  }
}
