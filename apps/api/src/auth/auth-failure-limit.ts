import { HttpException, HttpStatus, Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';

const WINDOW_MS = 60_000;
/** Past this many tracked addresses, expired windows are dropped (a spread-out flood stays bounded). */
const PRUNE_ABOVE = 10_000;

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * Failed authentication (answers 401 or 403) limited per client address (ADR 156): after
 * AUTH_FAILURES_PER_MINUTE such answers in a one-minute window, every further request from that
 * address is refused with 429 and Retry-After (seconds until the window ends) before any token
 * is verified, so a token-guessing flood is slowed even though the auth guard runs before the
 * per-caller throttler. The address is Express's `req.ip` (X-Forwarded-For only from a loopback
 * proxy, see create-app.ts). Counts live in this process, like the per-caller limit.
 */
@Injectable()
export class AuthFailureLimit implements NestMiddleware {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;

  constructor(@Inject(CONFIG) config: Config) {
    this.limit = config.authFailuresPerMinute;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    // Probes and scrapes are never refused: an operator must still see the service.
    if (req.path.startsWith('/health') || req.path === '/metrics') return next();
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const now = Date.now();
    const window = this.current(address, now);
    if (window && window.failures >= this.limit) {
      const retryAfter = Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - now) / 1000));
      res.setHeader('Retry-After', String(retryAfter));
      throw new HttpException(
        { message: `Too many failed sign-in attempts from this address; retry after ${retryAfter} s` },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    res.on('finish', () => {
      if (res.statusCode === 401 || res.statusCode === 403) this.recordFailure(address, Date.now());
    });
    next();
  }

  private current(address: string, now: number): Window | undefined {
    const w = this.windows.get(address);
    if (w && now - w.startedAt >= WINDOW_MS) {
      this.windows.delete(address);
      return undefined;
    }
    return w;
  }

  private recordFailure(address: string, now: number): void {
    const w = this.current(address, now);
    if (w) w.failures += 1;
    else this.windows.set(address, { startedAt: now, failures: 1 });
    if (this.windows.size > PRUNE_ABOVE) {
      for (const [key, value] of this.windows) if (now - value.startedAt >= WINDOW_MS) this.windows.delete(key);
    }
  }
}
