import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startTemporalDevServer } from '../../libs/devstack/temporal-server';
import { freePort } from '../../libs/devstack/ports';
import { startServiceProcess } from '../processes';
import type { FloorShape } from './floor.workflow';
import { tuningEnv, type BenchServices } from '../support';

export interface FloorResult { n: number; systems: number; shape: FloorShape; ms: number; peakRss: number }

let bundlePath: string | null = null;

/** The floor workflow bundled once per bench run (same bundler as the product's). */
async function floorBundle(dataDir: string): Promise<string> {
  if (bundlePath) return bundlePath;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./floor.workflow'), logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} } });
  bundlePath = join(dataDir, 'floor-bundle.js');
  writeFileSync(bundlePath, code);
  return bundlePath;
}

/**
 * The engine floor: `n` workflows of a leaver's shape (floor.workflow.ts, every activity a
 * no-op) started at once (64 starts in flight, as the leaver burst POSTs) on `temporalAddress`,
 * through a worker process with the product's worker options; time from the first start to the
 * last completion, and the worker's peak RSS.
 */
export async function runFloor(services: BenchServices, n: number, systems: number, shape: FloorShape, temporalAddress = services.temporalAddress): Promise<FloorResult> {
  const taskQueue = `bench-floor-${Math.random().toString(36).slice(2, 10)}`;
  const worker = await startServiceProcess('floor-worker', {
    TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE: await floorBundle(services.dataDir),
    ...tuningEnv(),
  });
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection });
    const t0 = Date.now();
    const handles: Promise<unknown>[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < n) {
        const i = next++;
        const h = await client.workflow.start('floorLeaverWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [systems, shape] });
        handles.push(h.result());
      }
    }));
    await Promise.all(handles);
    return { n, systems, shape, ms: Date.now() - t0, peakRss: worker.peakRss() };
  } finally {
    await connection.close();
    await worker.stop();
  }
}

/**
 * The floor on a second dev server started with SQLite's own defaults (no pragmas): the before of
 * ADR 120 beside its after, in the same run. Only when BENCH_FLOOR_BASELINE is set.
 */
export async function runFloorWithoutPragmas(services: BenchServices, n: number, systems: number, shape: FloorShape): Promise<FloorResult> {
  const port = await freePort();
  const server = await startTemporalDevServer({ cliPath: services.temporalCli, dataDir: join(services.dataDir, 'no-pragmas'), port, uiPort: null, sqlitePragmas: [] });
  try {
    return await runFloor(services, n, systems, shape, server.address);
  } finally {
    await server.stop();
  }
}
