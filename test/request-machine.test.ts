import { holdRole, http, people, seedRole, seedSystem, startRequestStack, until, type RequestStack } from './requests-fixture';
import { temporalClient } from './support/services';

/**
 * The one request machine end to end (issue 10): every kind's 202 is readable at once, a leaver
 * starts again after an earlier one of the same person was cancelled, and a task nobody attests
 * does not grow the history without bound (continue-as-new at a short configured limit).
 */
describe('request machine', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    // A tiny history limit and a 1 s reconcile: a waiting workflow continues as new within seconds.
    stack = await startRequestStack({ WORKFLOW_HISTORY_LIMIT: '60', LEAVER_RECONCILE_INTERVAL: '1s' });
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', roles: ['admin'] }, { key: 'hr', roles: ['hr'] }, { key: 'mgr' }, { key: 'req', roles: ['requester'] },
      { key: 'own' }, { key: 'mv', manager: 'mgr' }, { key: 'lv', manager: 'mgr' }, { key: 'lv2', manager: 'mgr' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['own'], ['reader', 'writer']);
    await seedRole(stack.owner, 'ehr-reader', 'own', [['ehr', 'reader']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'ehr-writer', 'own', [['ehr', 'writer']], [{ kind: 'manager' }]);
    await holdRole(stack.owner, 'mv', 'ehr-reader');
    await holdRole(stack.owner, 'lv2', 'ehr-reader');
  });
  afterAll(() => stack?.stop());

  it('a GET right after every kind of 202 answers 200 (no window where the request is unknown)', async () => {
    const accepted = [
      await api.post('/api/v1/requests/joiner', 'req', {
        identity: { key: 'J1', username: 'j1', email: 'j1@example.org', name: 'J One', department: 'D', title: 'T', manager: 'mgr', startDate: '2027-01-04' },
        roles: ['ehr-reader'], justification: 'new starter',
      }),
      await api.post('/api/v1/requests/mover', 'req', { identity: 'mv', addRoles: ['ehr-writer'], removeRoles: [], justification: 'new duties' }),
      await api.post('/api/v1/requests/leaver', 'hr', { identity: 'lv', reason: 'voluntary', effectiveAt: new Date(Date.now() + 3600_000).toISOString() }),
    ];
    for (const a of accepted) {
      expect(a.status).toBe(202);
      const got = await api.get(`/api/v1/requests/${a.body.id}`, 'adm');
      expect([a.body.kind, got.status]).toEqual([a.body.kind, 200]);
      expect(got.body).toMatchObject({ id: a.body.id, kind: a.body.kind, workflowId: a.body.workflowId });
      expect(got.body.timeline[0].action).toBe('request.created');
    }
    // The leaver's cancel works at once too: the row exists before the workflow has started.
    const leaver = accepted[2].body;
    const cancelled = await api.post(`/api/v1/requests/leaver/${leaver.id}/cancel`, 'hr', { reason: 'changed their mind' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const t = await temporalClient();
    try {
      expect((await t.client.workflow.getHandle(leaver.workflowId).result()).status).toBe('cancelled');
    } finally {
      await t.close();
    }
  });

  it('a second leaver of the same person after a cancelled one starts and runs', async () => {
    const first = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'lv2', reason: 'voluntary', effectiveAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(first.status).toBe(202);
    expect((await api.post('/api/v1/requests/leaver', 'hr', { identity: 'lv2', reason: 'involuntary' })).status).toBe(409);
    expect((await api.post(`/api/v1/requests/leaver/${first.body.id}/cancel`, 'hr', {})).status).toBe(200);
    await api.waitStatus(first.body.id, 'cancelled');
    const second = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'lv2', reason: 'involuntary' });
    expect(second.status).toBe(202);
    expect(second.body.workflowId).toBe(first.body.workflowId);
    const running = await api.waitStatus(second.body.id, 'deprovisioning');
    expect(running.tasks).toHaveLength(1);
    expect((await api.request(first.body.id)).status).toBe('cancelled');
  });

  it('a task nobody attests: the workflow continues as new, and the attestation still completes it', async () => {
    const { rows } = await stack.owner.query(`SELECT id FROM request WHERE identity_key = 'lv2' AND status = 'deprovisioning'`);
    const leaver = await api.request(rows[0].id);
    const t = await temporalClient();
    try {
      await until('a continued-as-new run', async () => {
        const runs = [];
        for await (const w of t.client.workflow.list({ query: `WorkflowId = '${leaver.workflowId}' AND ExecutionStatus = 'ContinuedAsNew'` })) runs.push(w);
        return runs.length > 0;
      }, 60_000);
      const [task] = leaver.tasks;
      expect((await api.post(`/api/v1/tasks/${task.id}/complete`, 'own', { note: 'removed' })).status).toBe(200);
      const done = await api.waitStatus(leaver.id, 'completed');
      expect(done.timeline.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['access.revoked', 'request.completed']));
    } finally {
      await t.close();
    }
  });
});
