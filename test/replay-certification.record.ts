import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { certApi, certificationStack, hold, inHours } from './certification-fixture';
import { until, type RequestStack } from './requests-fixture';
import { temporalClient } from './support/services';

/**
 * Re-records the campaign histories replayed by test/replay-certification.test.ts:
 *   npm run -s build && npx jest --selectProjects integration --runInBand --testMatch '**\/test/replay-certification.record.ts'
 * Only for a deliberate, `patched()`-guarded change; keep the old history beside the new one.
 */
describe('record certification campaign histories', () => {
  let stack: RequestStack;

  beforeAll(async () => {
    stack = await certificationStack();
    await hold(stack, 'alice', 'ehr-user');
    await hold(stack, 'bob', 'lab-admin');
  });
  afterAll(() => stack?.stop());

  it('manager campaign: generated, reassigned, decided, signed off, completed', async () => {
    const api = certApi(stack);
    const c = await api.start({ name: 'recorded', scope: { type: 'manager', key: 'mgr' }, reviewer: 'manager', fallbackReviewer: 'fb', dueAt: inHours(1), deadlinePolicy: 'keep' });
    await api.waitCampaign(c.id, 'active');
    const items = (await api.items(c.id, 'mgr')).body.items;
    await api.post(`/api/v1/certifications/${c.id}/reassign`, 'mgr', { items: [items[1].id], to: 'boss', reason: 'recorded' });
    await api.decide(c.id, 'mgr', [{ item: items[0].id, decision: 'certify' }]);
    await api.decide(c.id, 'boss', [{ item: items[1].id, decision: 'certify' }]);
    await api.post(`/api/v1/certifications/${c.id}/sign-off`, 'mgr');
    await api.post(`/api/v1/certifications/${c.id}/sign-off`, 'boss');
    await api.waitCampaign(c.id, 'completed');
    await save(c.workflowId, 'certification-completed.json');
  });

  it('manager campaign with a revoke carried out: remediation with the tasks in PostgreSQL (ADR 130)', async () => {
    const api = certApi(stack);
    const c = await api.start({ name: 'recorded revoke', scope: { type: 'manager', key: 'mgr' }, reviewer: 'manager', fallbackReviewer: 'fb', dueAt: inHours(1), deadlinePolicy: 'keep' });
    await api.waitCampaign(c.id, 'active');
    const items = (await api.items(c.id, 'mgr')).body.items as { id: string; identity: string }[];
    await api.decide(c.id, 'mgr', items.map((i) => (i.identity === 'bob' ? { item: i.id, decision: 'revoke', comment: 'recorded' } : { item: i.id, decision: 'certify' })));
    await api.post(`/api/v1/certifications/${c.id}/sign-off`, 'mgr');
    const task = await until('the revoke task delivered', async () =>
      (await stack.owner.query(`SELECT id FROM task WHERE campaign_id = $1 AND delivered_at IS NOT NULL`, [c.id])).rows[0]);
    await api.post(`/api/v1/tasks/${task.id}/complete`, 'own', { note: 'recorded' });
    await api.waitCampaign(c.id, 'completed');
    await save(c.workflowId, 'certification-remediated.json');
  });

  async function save(workflowId: string, file: string): Promise<void> {
    const t = await temporalClient();
    try {
      writeFileSync(join(__dirname, 'histories', file), historyToJSON(await t.client.workflow.getHandle(workflowId).fetchHistory()));
    } finally {
      await t.close();
    }
  }
});
