import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../../activities';
import type { Config } from '../../../libs/config/config';
import { activeTracing } from '../../../libs/observability/tracing';
import { workerTracingOptions } from '../../../libs/observability/worker-tracing';
import { temporalConnectionOptions } from '../../../libs/temporal/connection-options';
import { workerOptions } from '../../../libs/temporal/worker-tuning';

/**
 * Where the workflow code comes from: a bundle built once by `npm run build` (production), or
 * the workflow sources bundled at start-up (development and tests).
 */
export function workflowSource(config: Config): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = config.temporal.workflowBundle ?? join(__dirname, '..', '..', '..', 'workflow-bundle.js');
  // The prebuilt bundle has no tracing interceptors: with tracing on, bundle at start-up (ADR 161).
  if (config.isProduction && existsSync(bundle) && !activeTracing()) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: require.resolve('../../../workflows') };
}

/** Creates the Temporal worker for the service's task queue, with activities from their factory. */
export async function createTemporalWorker(
  deps: ActivityDeps,
  overrides: Partial<WorkerOptions> = {},
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { config } = deps;
  const tracing = activeTracing();
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createActivities(deps),
      ...workflowSource(config),
      ...workerOptions({
        maxCachedWorkflows: config.temporal.maxCachedWorkflows,
        maxConcurrentActivities: config.temporal.maxConcurrentActivities,
        maxConcurrentWorkflowTasks: config.temporal.maxConcurrentWorkflowTasks,
      }),
      ...(tracing ? workerTracingOptions(tracing) : {}),
      ...overrides,
    });
    return { worker, connection };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
