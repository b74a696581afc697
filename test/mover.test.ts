import { temporalClient } from './support/services';
import { holdRole, http, people, racedAtCommit, seedRole, seedSystem, startRequestStack, until, type RequestStack } from './requests-fixture';

/**
 * Movers, cancellation and deadlines over HTTP. Approval SLA 3 s with a reminder at 1 s; grant
 * tasks due after 2 s with a reminder 1 s before: escalations happen within the test.
 */
describe('mover workflow, cancellation and escalation', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;

  beforeAll(async () => {
    stack = await startRequestStack({ APPROVAL_SLA: '3s', APPROVAL_REMINDER: '1s', TASK_DUE: '2s', TASK_REMINDER_BEFORE_DUE: '1s' });
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', roles: ['admin'] },
      { key: 'boss' },
      { key: 'mgr', manager: 'boss' },
      { key: 'mgr2', manager: 'boss' },
      { key: 'req', roles: ['requester'] },
      { key: 'ehrown' },
      { key: 'pacsown' },
      { key: 'm1', manager: 'mgr', department: 'Radiology', title: 'Radiographer' },
      { key: 'm2', manager: 'mgr' },
      { key: 'm3', manager: 'mgr' },
      { key: 'm4', manager: 'mgr' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['ehrown'], ['clinician', 'reader'], 4);
    await seedSystem(stack.owner, 'pacs', ['pacsown'], ['reader', 'admin']);
    await seedRole(stack.owner, 'ehr-clinician', 'ehrown', [['ehr', 'clinician'], ['pacs', 'reader']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'ehr-reader', 'ehrown', [['ehr', 'reader'], ['pacs', 'reader']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'pacs-admin', 'pacsown', [['pacs', 'admin']], [{ kind: 'manager' }]);
    for (const m of ['m1', 'm2', 'm3', 'm4']) await holdRole(stack.owner, m, 'ehr-clinician');
  });

  afterAll(() => stack?.stop());

  const decide = (id: string, who: string, decision = 'approve') =>
    api.post(`/api/v1/requests/${id}/decisions`, who, { decision, comment: `${who} says ${decision}` });

  it('shows the exact diff, turns removals into revoke tasks and applies org changes at completion', async () => {
    const res = await api.post('/api/v1/requests/mover', 'req', {
      identity: 'm1', addRoles: ['ehr-reader', 'pacs-admin'], removeRoles: ['ehr-clinician'],
      changes: { department: 'Cardiology', title: 'Nurse', manager: 'mgr2' }, justification: 'moves to cardiology',
    });
    expect(res.status).toBe(202);
    expect(res.body.workflowId).toBe(`mover-${res.body.id}`);
    const open = await api.waitStep(res.body.id, 1);
    expect(open.diff).toEqual({
      add: [{ system: 'ehr', entitlement: 'reader' }, { system: 'pacs', entitlement: 'admin' }],
      remove: [{ system: 'ehr', entitlement: 'clinician' }],
    });
    // The new manager approves the move; the inbox shows the diff.
    expect(open.approvals[0].eligibleApprovers).toEqual(['mgr2']);
    const inbox = await api.get('/api/v1/approvals', 'mgr2');
    expect(inbox.body.items[0].diff).toEqual({ add: open.diff.add, remove: open.diff.remove });
    // Not dated: the card says it applies once carried out (a dated mover's instant is checked in web-admin).
    expect(inbox.body.items[0].effectiveAt).toBeNull();
    expect((await decide(res.body.id, 'mgr2')).status).toBe(201);

    const prov = await api.waitStatus(res.body.id, 'provisioning');
    const tasks = prov.tasks.map((t: any) => [t.system, t.action, t.entitlements]);
    expect(tasks).toEqual([['ehr', 'grant', ['reader']], ['ehr', 'revoke', ['clinician']], ['pacs', 'grant', ['admin']]]);
    const before = await stack.owner.query(`SELECT department FROM identity WHERE key = 'm1'`);
    expect(before.rows[0].department).toBe('Radiology');
    for (const t of prov.tasks) {
      const who = t.system === 'ehr' ? 'ehrown' : 'pacsown';
      expect((await api.post(`/api/v1/tasks/${t.id}/complete`, who, { note: `done ${t.action}` })).status).toBe(200);
    }
    await api.waitStatus(res.body.id, 'completed');
    const after = await stack.owner.query(`SELECT department, title, manager FROM identity WHERE key = 'm1'`);
    expect(after.rows[0]).toEqual({ department: 'Cardiology', title: 'Nurse', manager: 'mgr2' });
    const access = await stack.owner.query(`SELECT role_key, status FROM access_assignment WHERE identity_key = 'm1' ORDER BY role_key`);
    expect(access.rows).toEqual([
      { role_key: 'ehr-clinician', status: 'revoked' }, { role_key: 'ehr-reader', status: 'active' }, { role_key: 'pacs-admin', status: 'active' },
    ]);
  });

  it('refuses a no-op mover with 409 and a role not held with 400', async () => {
    const noop = await api.post('/api/v1/requests/mover', 'req', { identity: 'm3', addRoles: [], removeRoles: [], changes: { manager: 'mgr' }, justification: 'x' });
    expect(noop.status).toBe(409);
    const notHeld = await api.post('/api/v1/requests/mover', 'req', { identity: 'm3', removeRoles: ['pacs-admin'], justification: 'x' });
    expect(notHeld.status).toBe(400);
    expect(notHeld.body.details).toEqual([{ path: 'removeRoles[0]', problems: ['m3 does not hold role pacs-admin'] }]);
  });

  it('accepts one of several concurrent movers of one person; the others are 409, none a 500', async () => {
    const body = { identity: 'm4', addRoles: ['pacs-admin'], justification: 'raced' };
    const answers = await racedAtCommit(stack.owner, 5, () => Array.from({ length: 5 }, () => api.post('/api/v1/requests/mover', 'req', body)));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.message).toMatch(/m4 already has an open joiner or mover request/);
    const open = await stack.owner.query(`SELECT count(*)::int AS n FROM request WHERE identity_key = 'm4' AND status IN ('scheduled', 'pending_approval', 'provisioning')`);
    expect(open.rows[0].n).toBe(1);
    const accepted = answers.find((a) => a.status === 202)!;
    expect((await api.post(`/api/v1/requests/${accepted.body.id}/cancel`, 'req', { reason: 'test done' })).status).toBe(202);
  });

  it('reminds, then escalates to the approver\'s manager when the approval SLA passes', async () => {
    const res = await api.post('/api/v1/requests/mover', 'req', { identity: 'm2', addRoles: ['pacs-admin'], justification: 'needs pacs admin' });
    const id = res.body.id;
    await api.waitStep(id, 1);
    expect((await decide(id, 'boss')).status).toBe(403);
    const escalated = await until('escalation', async () => {
      const r = await api.request(id);
      return r.approvals[0].escalationLevel >= 1 ? r : null;
    }, 60_000);
    expect(escalated.approvals[0].eligibleApprovers).toEqual(['boss', 'mgr']);
    const actions = escalated.timeline.map((e: any) => e.action);
    expect(actions.indexOf('approval.reminded')).toBeGreaterThan(actions.indexOf('approval.step_opened'));
    expect(actions.indexOf('approval.escalated')).toBeGreaterThan(actions.indexOf('approval.reminded'));
    expect((await decide(id, 'boss')).status).toBe(201);

    // Task deadlines: a reminder before the due time, an escalation once it passes.
    const prov = await api.waitStatus(id, 'provisioning');
    const taskId = prov.tasks[0].id;
    const overdue = await until('task escalation', async () => {
      const t = await api.get(`/api/v1/tasks/${taskId}`, 'adm');
      return t.body.escalationLevel >= 1 ? t.body : null;
    }, 60_000);
    expect(overdue.overdue).toBe(true);
    const timeline = (await api.request(id)).timeline.filter((e: any) => e.subject.id === taskId).map((e: any) => e.action);
    expect(timeline).toEqual(expect.arrayContaining(['task.created', 'task.reminded', 'task.escalated']));
    expect((await api.post(`/api/v1/tasks/${taskId}/complete`, 'pacsown', { note: 'late but done' })).status).toBe(200);
    await api.waitStatus(id, 'completed');
  });

  it('cancels mid-flow: open tasks cancelled and audited, the workflow ends, later attestations 409', async () => {
    const res = await api.post('/api/v1/requests/mover', 'req', { identity: 'm3', addRoles: ['pacs-admin'], justification: 'temp' });
    const id = res.body.id;
    await api.waitStep(id, 1);
    expect((await decide(id, 'mgr')).status).toBe(201);
    const prov = await api.waitStatus(id, 'provisioning');
    expect((await api.post(`/api/v1/requests/${id}/cancel`, 'pacsown', { reason: 'not me' })).status).toBe(403);
    const cancel = await api.post(`/api/v1/requests/${id}/cancel`, 'req', { reason: 'changed plans' });
    expect(cancel.status).toBe(202);
    const final = await api.request(id);
    expect(final.status).toBe('cancelled');
    expect(final.tasks.map((t: any) => t.status)).toEqual(['cancelled']);
    expect(final.timeline.map((e: any) => e.action).slice(-2)).toEqual(['task.cancelled', 'request.cancelled']);
    expect((await api.post(`/api/v1/tasks/${prov.tasks[0].id}/complete`, 'pacsown', { note: 'too late' })).status).toBe(409);
    expect((await api.post(`/api/v1/requests/${id}/cancel`, 'req', {})).status).toBe(409);
    const t = await temporalClient();
    try {
      const result = await until('workflow to close', async () => {
        const d = await t.client.workflow.getHandle(final.workflowId).describe();
        return d.status.name === 'COMPLETED' ? d : null;
      });
      const jml = result.typedSearchAttributes.getAll().filter((p) => p.key.name.startsWith('Jml'));
      expect(jml.map((p) => [p.key.name, p.value]).sort()).toEqual(
        [['JmlIdentity', 'm3'], ['JmlKind', 'mover'], ['JmlRequestId', id], ['JmlStatus', 'cancelled']],
      );
    } finally {
      await t.close();
    }
  });
});
