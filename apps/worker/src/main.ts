import './instrument';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MikroORM as CoreMikroORM } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Runtime } from '@temporalio/worker';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '../../../libs/config/config';
import { activeTracing } from '../../../libs/observability/tracing';
import { workerTelemetryOptions } from '../../../libs/observability/worker-metrics';
import { WorkerModule } from './worker.module';
import { createTemporalWorker } from './temporal-worker';

/**
 * The worker process. Signal handling has one owner, this function: Temporal's runtime is told
 * not to install its own handlers and Nest's shutdown hooks are not enabled, so a SIGTERM
 * drains the worker exactly once, then closes the database.
 * If `run()` fails the process exits non-zero and the supervisor restarts it; no in-process retry.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  Runtime.install({ shutdownSignals: [], ...workerTelemetryOptions(config) });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);

  const orm = app.get(CoreMikroORM) as unknown as MikroORM;
  const { worker, connection } = await createTemporalWorker({ orm, config });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`received ${signal}: draining the worker`);
    worker.shutdown();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  logger.log(`worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
  if (config.observability.workerMetricsAddress) logger.log(`worker metrics at http://${config.observability.workerMetricsAddress}/metrics`);
  process.send?.({ type: 'ready', component: 'worker' });
  let exitCode = 0;
  try {
    await worker.run();
  } catch (err) {
    logger.error(err, 'worker run() failed');
    exitCode = 1;
  } finally {
    await connection.close().catch(() => undefined);
    await app.close();
    // Sends the spans still batched (the last activities' SQL, the workflow spans of this drain).
    await activeTracing()?.shutdown().catch(() => undefined);
  }
  process.exit(exitCode);
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
