import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { certApi, certificationStack, hold, inHours } from './certification-fixture';
import type { RequestStack } from './requests-fixture';
import { temporalClient } from './support/services';

/**
 * Re-records the campaign history replayed by test/replay-certification.test.ts:
 *   npm run -s build && npx jest --selectProjects integration --runInBand --testMatch '**\/test/replay-certification.record.ts'
 * Only for a deliberate, `patched()`-guarded change; keep the old history beside the new one.
 */
describe('record a certification campaign history', () => {
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
    const t = await temporalClient();
    try {
      const history = await t.client.workflow.getHandle(c.workflowId).fetchHistory();
      writeFileSync(join(__dirname, 'histories', 'certification-completed.json'), historyToJSON(history));
    } finally {
      await t.close();
    }
  });
});
