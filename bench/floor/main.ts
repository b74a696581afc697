import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { tuningFromEnv, workerOptions } from '../../libs/temporal/worker-tuning';
import { floorActivities } from './floor-activities';

/**
 * The engine floor's worker process: the production worker's options (libs/temporal/worker-tuning.ts)
 * and no-op activities. Env: TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, WORKFLOW_BUNDLE (the floor
 * workflow, bundled by floor.bench.ts), the WORKER_* tuning variables. Sends `ready` over IPC like the
 * service processes (bench/processes.ts).
 */
async function main(): Promise<void> {
  Runtime.install({ shutdownSignals: [] });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE!,
    workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE! },
    activities: floorActivities,
    ...workerOptions(tuningFromEnv(process.env)),
  });
  process.once('SIGTERM', () => worker.shutdown());
  process.send?.({ type: 'ready', component: 'floor-worker' });
  await worker.run();
  await connection.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`floor worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
