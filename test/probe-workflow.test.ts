import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { WorkflowFailedError } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import type { Config } from '../libs/config/config';
import { probeWorkflow } from '../workflows';
import { createOrm, freshDatabase, startWorker, temporalClient, testConfig, type TestDatabase } from './support/services';

/**
 * The operator's probe workflow on a real Temporal dev server and a real PostgreSQL: its activity
 * changes a row and records its audit event in one transaction.
 */
describe('probe workflow: state change and audit event commit together', () => {
  let db: TestDatabase;
  let config: Config;
  let orm: MikroORM;
  let owner: PgClient;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;

  beforeAll(async () => {
    db = await freshDatabase();
    config = testConfig(db);
    orm = await createOrm(db.serviceUrl);
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    worker = await startWorker(config, orm);
    temporal = await temporalClient();
  });

  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
    await owner?.end();
    await orm?.close(true);
    await db?.drop();
  });

  const state = async (probeId: string, workflowId: string) => {
    const counter = await owner.query('SELECT counter FROM probe WHERE id = $1', [probeId]);
    const events = await owner.query(
      `SELECT action, details FROM audit_event WHERE idempotency_key = $1`,
      [`probe:${workflowId}:bump`],
    );
    return { counter: counter.rows[0]?.counter ?? null, events: events.rows };
  };

  const run = (workflowId: string, args: Parameters<typeof probeWorkflow>[0]) =>
    temporal.client.workflow.execute(probeWorkflow, { taskQueue: config.temporal.taskQueue, workflowId, args: [args] });

  it('an activity that throws after writing leaves neither the change nor the event', async () => {
    const probeId = randomUUID();
    const workflowId = `probe-${probeId}`;
    // Every attempt (5) throws after its writes: the workflow fails and nothing may persist.
    await expect(run(workflowId, { probeId, failAfterWriteOnAttempts: 99 })).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(await state(probeId, workflowId)).toEqual({ counter: null, events: [] });
  });

  it('after a failed attempt, the retry commits exactly one change and one event', async () => {
    const probeId = randomUUID();
    const workflowId = `probe-${probeId}`;
    const result = await run(workflowId, { probeId, failAfterWriteOnAttempts: 2 });
    expect(result).toEqual({ counter: 1, attempt: 3, alreadyRecorded: false });
    const s = await state(probeId, workflowId);
    expect(s.counter).toBe(1);
    expect(s.events).toEqual([{ action: 'probe.bumped', details: { counter: 1, attempt: 3 } }]);
  });

  it('a retry after a committed attempt (lost completion) writes nothing more', async () => {
    const probeId = randomUUID();
    const workflowId = `probe-${probeId}`;
    const result = await run(workflowId, { probeId, failAfterCommitOnAttempts: 1 });
    expect(result).toEqual({ counter: 1, attempt: 2, alreadyRecorded: true });
    const s = await state(probeId, workflowId);
    expect(s.counter).toBe(1);
    expect(s.events).toHaveLength(1);
  });
});
