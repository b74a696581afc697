import { Controller, Get, Header, Injectable, Module, type MiddlewareConsumer, type NestMiddleware, type NestModule, type OnApplicationShutdown } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { activeTracing } from '../../../../libs/observability/tracing';
import { TemporalClientModule } from '../../../../libs/temporal/temporal-client.module';
import { PublicRoute } from '../auth/policy';
import { DomainMetrics } from './domain-metrics';

/** One registry per process: default Node metrics plus HTTP request durations by route. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'jml_api_' });

const httpDuration = new Histogram({
  name: 'jml_api_http_request_duration_seconds',
  help: 'HTTP request duration by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
  registers: [registry],
});

/**
 * Restarts of the api and worker after a crash, as counted by `npm start`'s launcher
 * (libs/devstack/supervisor.ts), which sends its totals over the IPC channel after every start.
 * Only the launcher knows the worker restarted, hence a message rather than a count of our own.
 */
const launcherRestarts = new Counter({
  name: 'jml_launcher_restarts_total',
  help: 'Restarts of a crashed api or worker process by the npm start launcher',
  labelNames: ['process'] as const,
  registers: [registry],
});

const restartsSeen = { api: 0, worker: 0 };
launcherRestarts.inc({ process: 'api' }, 0);
launcherRestarts.inc({ process: 'worker' }, 0);

/** Takes the launcher's running totals; the counter only ever moves up to them. */
export function recordLauncherRestarts(totals: Partial<Record<'api' | 'worker', number>>): void {
  for (const name of ['api', 'worker'] as const) {
    const total = totals[name];
    if (typeof total !== 'number' || total <= restartsSeen[name]) continue;
    launcherRestarts.inc({ process: name }, total - restartsSeen[name]);
    restartsSeen[name] = total;
  }
}

/**
 * Listens for the launcher's restart totals on the IPC channel of `npm start`. Called by the API's
 * entry point only: at module load it would also attach to any parent's channel (a jest worker's).
 */
export function listenForLauncherRestarts(): void {
  if (!process.send) return;
  process.on('message', (m: { type?: string; restarts?: Record<string, number> }) => {
    if (m?.type === 'launcher-restarts' && m.restarts) recordLauncherRestarts(m.restarts);
  });
  // The channel must not keep a stopping api alive.
  process.channel?.unref();
}

@Injectable()
class HttpMetricsMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const end = httpDuration.startTimer();
    res.on('finish', () => {
      // The matched route pattern (not the raw URL) keeps label cardinality bounded.
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ method: req.method, route: `${req.baseUrl ?? ''}${route}`, status: String(res.statusCode) });
    });
    next();
  }
}

/**
 * Prometheus scrape endpoint: the process's own metrics, then the domain gauges read from
 * PostgreSQL and Temporal at this scrape (ADR 162). Public like the health probes; expose it on
 * an internal network only. A scrape never fails for the database: `jml_domain_metrics_up` says.
 */
@ApiExcludeController()
@Controller('metrics')
class MetricsController {
  constructor(private readonly domain: DomainMetrics) {}

  @Get()
  @PublicRoute()
  @Header('Content-Type', registry.contentType)
  async metrics(): Promise<string> {
    await this.domain.refresh();
    return Registry.merge([registry, this.domain.registry]).metrics();
  }
}

/** Sends the spans still batched when the API stops (tracing on, ADR 161). */
@Injectable()
class TracingFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await activeTracing()?.shutdown().catch(() => undefined);
  }
}

@Module({ imports: [TemporalClientModule], controllers: [MetricsController], providers: [DomainMetrics, TracingFlush] })
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
