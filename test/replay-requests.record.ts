import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { holdRole, http, people, seedRole, seedSystem, startRequestStack, type RequestStack } from './requests-fixture';
import { temporalClient } from './support/services';

/**
 * Re-records the joiner, mover and leaver histories replayed by test/replay-requests.test.ts:
 *   npm run record-histories -- -t 'histories (joiner|mover):'   (-t records only those flows)
 * Run it only for a deliberate, `patched()`-guarded change; keep the old histories next to the
 * new ones so running executions stay covered (file names carry the version: v3 and the leaver's
 * v2 were recorded after ADR 121's one delivery activity per flow, joiner/mover v4 after ADR 123's
 * plan and first step in one local activity, joiner/mover v5 and the leaver's v3 after ADR 179's flow
 * version, which takes those paths without patch markers; joiner/mover v6 after ADR 181's plan at intake).
 */
describe('record joiner, mover and leaver histories', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    stack = await startRequestStack({ APPROVAL_SLA: '2s', APPROVAL_REMINDER: '1s' });
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', roles: ['admin'] }, { key: 'boss' }, { key: 'mgr', manager: 'boss' }, { key: 'req', roles: ['requester'] }, { key: 'own' },
      { key: 'mv', manager: 'mgr' }, { key: 'hr', roles: ['hr'] }, { key: 'lv', manager: 'mgr' }, { key: 'lv2', manager: 'mgr' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['own'], ['clinician', 'reader']);
    await seedRole(stack.owner, 'ehr-clinician', 'own', [['ehr', 'clinician']], [{ kind: 'manager' }, { kind: 'system_owner' }]);
    await seedRole(stack.owner, 'ehr-reader', 'own', [['ehr', 'reader']], [{ kind: 'manager' }]);
    await holdRole(stack.owner, 'mv', 'ehr-clinician');
    await holdRole(stack.owner, 'lv', 'ehr-reader');
    await holdRole(stack.owner, 'lv2', 'ehr-reader');
  });
  afterAll(() => stack?.stop());

  async function save(workflowId: string, file: string) {
    const t = await temporalClient();
    try {
      const history = await t.client.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(join(__dirname, 'histories', file), historyToJSON(history));
    } finally {
      await t.close();
    }
  }

  it('joiner: two approval steps, a reminder, one task attested', async () => {
    const { body } = await api.post('/api/v1/requests/joiner', 'req', {
      identity: { key: 'J1', username: 'j1', email: 'j1@example.org', name: 'J One', department: 'D', title: 'T', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['ehr-clinician'], justification: 'recorded',
    });
    await api.waitStep(body.id, 1);
    await new Promise((r) => setTimeout(r, 1200)); // let the reminder fire
    await api.post(`/api/v1/requests/${body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'ok' });
    await api.waitStep(body.id, 2);
    await api.post(`/api/v1/requests/${body.id}/decisions`, 'own', { decision: 'approve', comment: 'ok' });
    const prov = await api.waitStatus(body.id, 'provisioning');
    await api.post(`/api/v1/tasks/${prov.tasks[0].id}/complete`, 'own', { note: 'done' });
    await api.waitStatus(body.id, 'completed');
    await save(body.workflowId, 'joiner-completed-v6.json');
  });

  it('mover: escalated approval, grant and revoke tasks, org change', async () => {
    const { body } = await api.post('/api/v1/requests/mover', 'req', {
      identity: 'mv', addRoles: ['ehr-reader'], removeRoles: ['ehr-clinician'], changes: { title: 'Reader' }, justification: 'recorded',
    });
    await api.waitStep(body.id, 1);
    await new Promise((r) => setTimeout(r, 2500)); // reminder, then escalation to boss
    await api.post(`/api/v1/requests/${body.id}/decisions`, 'boss', { decision: 'approve', comment: 'ok' });
    const prov = await api.waitStatus(body.id, 'provisioning');
    for (const t of prov.tasks) await api.post(`/api/v1/tasks/${t.id}/complete`, 'own', { note: 'done' });
    await api.waitStatus(body.id, 'completed');
    await save(body.workflowId, 'mover-completed-v6.json');
  });

  it('leaver: brought forward, one revoke task attested, access revoked', async () => {
    const { body } = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'lv', reason: 'voluntary', effectiveAt: new Date(Date.now() + 3600_000).toISOString() });
    await new Promise((r) => setTimeout(r, 500));
    await api.post(`/api/v1/requests/leaver/${body.id}/bring-forward`, 'hr', {});
    const running = await api.waitStatus(body.id, 'deprovisioning');
    await api.post(`/api/v1/tasks/${running.tasks[0].id}/complete`, 'own', { note: 'done' });
    await api.waitStatus(body.id, 'completed');
    await save(body.workflowId, 'leaver-completed-v3.json');
  });

  it('leaver: effective at once (begin and effective in one activity), one revoke task attested', async () => {
    const { body } = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'lv2', reason: 'involuntary' });
    const running = await api.waitStatus(body.id, 'deprovisioning');
    await api.post(`/api/v1/tasks/${running.tasks[0].id}/complete`, 'own', { note: 'done' });
    await api.waitStatus(body.id, 'completed');
    await save(body.workflowId, 'leaver-immediate-v3.json');
  });
});
