import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { probeWorkflow } from '../../workflows';
import { createOrm, freshDatabase, startWorker, temporalClient, testConfig, type TestDatabase } from '../support/services';

/**
 * Re-records the committed workflow histories used by the replay tests:
 *   npm run record-histories
 * Run it only when a workflow change is meant to be incompatible (and is guarded by `patched`);
 * otherwise the committed histories are the evidence that old executions still replay.
 */
describe('record workflow histories', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await freshDatabase();
    orm = await createOrm(db.serviceUrl);
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('probe workflow', async () => {
    const config = testConfig(db);
    const worker = await startWorker(config, orm);
    const { client, close } = await temporalClient();
    try {
      const handle = await client.workflow.start(probeWorkflow, {
        taskQueue: config.temporal.taskQueue,
        workflowId: 'probe-recorded',
        args: [{ probeId: 'recorded', failAfterWriteOnAttempts: 1 }],
      });
      await handle.result();
      const history = await handle.fetchHistory();
      writeFileSync(join(__dirname, '..', 'histories', 'probe-workflow.json'), historyToJSON(history));
    } finally {
      await worker.stop();
      await close();
    }
  });
});
