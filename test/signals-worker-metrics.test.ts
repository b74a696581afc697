import { randomUUID } from 'node:crypto';
import { probeWorkflow } from '../workflows';
import { freePort } from '../libs/devstack/ports';
import { opsMetricNames, scrape } from './support/prometheus';
import { freshDatabase, temporalClient, testConfig, type TestDatabase } from './support/services';
import { until } from './support/leaver-fixtures';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

/**
 * The production worker process (dist/apps/worker/src/main.js) serves the Temporal SDK's own
 * metrics on WORKER_METRICS_PORT (ADR 160), with the names the alert rules and the dashboard in
 * docs/ops/ use.
 */
describe('worker Temporal SDK metrics', () => {
  let db: TestDatabase;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    db = await freshDatabase();
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.drop();
  });

  it('serves Prometheus text on the configured port, labelled with the task queue', async () => {
    const config = testConfig(db);
    const port = await freePort();
    worker = await startWorkerProcess(config, { WORKER_METRICS_PORT: String(port) });
    // One probe workflow whose activity fails once: the SDK then reports workflow, activity and failure series.
    const probeId = randomUUID();
    const temporal = await temporalClient();
    try {
      await temporal.client.workflow.execute(probeWorkflow, {
        taskQueue: config.temporal.taskQueue, workflowId: `probe-${probeId}`, args: [{ probeId, failAfterWriteOnAttempts: 1 }],
      });
    } finally {
      await temporal.close();
    }
    const samples = await until(async () => {
      const s = await scrape(`http://127.0.0.1:${port}/metrics`).catch(() => null);
      return s?.some((x) => x.name === 'temporal_workflow_completed_total') ? s : null;
    });
    const names = new Set(samples.map((s) => s.name));
    // Every temporal_ series the alert rules and the dashboard query exists under that name.
    const used = opsMetricNames('temporal_');
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((n) => !names.has(n))).toEqual([]);
    expect(names).toContain('temporal_activity_execution_failed_total');
    const pollers = samples.filter((s) => s.name === 'temporal_num_pollers');
    expect(pollers.every((s) => s.labels.task_queue === config.temporal.taskQueue)).toBe(true);
    await worker.stop();
    worker = undefined;
  });

});
