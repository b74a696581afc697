import { http, people, racedAtCommit, seedRole, seedSodRule, seedSystem, startRequestStack, until, type RequestStack } from './requests-fixture';
import { temporalClient } from './support/services';

/** Joiners end to end over HTTP: real API, dev IdP tokens, worker, Temporal and PostgreSQL. */
describe('joiner workflow', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  let n = 0;

  beforeAll(async () => {
    stack = await startRequestStack();
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', roles: ['admin'] },
      { key: 'boss' },
      { key: 'mgr', manager: 'boss', roles: ['approver'] },
      { key: 'req', roles: ['requester'] },
      { key: 'ehrown', roles: ['system_owner'] },
      { key: 'ehrown2', roles: ['system_owner'] },
      { key: 'finown', roles: ['system_owner'] },
      { key: 'other' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['ehrown', 'ehrown2'], ['clinician', 'prescriber']);
    await seedSystem(stack.owner, 'fin', ['finown'], ['payer', 'approver']);
    await seedRole(stack.owner, 'ehr-clinician', 'ehrown', [['ehr', 'clinician']], [{ kind: 'manager' }, { kind: 'system_owner' }]);
    await seedRole(stack.owner, 'fin-payer', 'finown', [['fin', 'payer']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'fin-approver', 'finown', [['fin', 'approver']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'ehr-prescriber', 'ehrown', [['ehr', 'prescriber']], [{ kind: 'manager' }]);
    await seedSodRule(stack.owner, 'pay-vs-approve', 'block', ['fin-payer', 'fin-approver']);
    await seedSodRule(stack.owner, 'clin-vs-pay', 'require_dual_approval', ['ehr-clinician', 'fin-payer']);
  });

  afterAll(() => stack?.stop());

  const joiner = (roles: string[], who = 'req') => {
    const key = `J${++n}`;
    return api.post('/api/v1/requests/joiner', who, {
      identity: { key, username: `j${n}`, email: `j${n}@example.org`, name: `Joiner ${n}`, department: 'Radiology', title: 'Radiographer', manager: 'mgr', startDate: '2027-01-04' },
      roles,
      justification: 'new starter',
    }).then((r) => ({ ...r, key }));
  };

  it('runs to active: named approvals, a task per system attested by its owner, the ledger in order', async () => {
    const res = await joiner(['ehr-clinician']);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), kind: 'joiner', status: 'pending_approval', workflowId: `joiner-${res.body.id}` });
    const id = res.body.id;

    await api.waitStep(id, 1);
    const inbox = await api.get('/api/v1/approvals', 'mgr');
    expect(inbox.body.items).toEqual([expect.objectContaining({ request: expect.objectContaining({ id }), diff: { add: [{ system: 'ehr', entitlement: 'clinician' }], remove: [] } })]);
    expect((await api.post(`/api/v1/requests/${id}/decisions`, 'mgr', { decision: 'approve', comment: 'welcome' })).status).toBe(201);
    await api.waitStep(id, 2);
    expect((await api.post(`/api/v1/requests/${id}/decisions`, 'ehrown2', { decision: 'approve', comment: 'ok for ehr' })).status).toBe(201);

    const provisioning = await api.waitStatus(id, 'provisioning');
    expect(provisioning.tasks).toEqual([expect.objectContaining({ system: 'ehr', action: 'grant', entitlements: ['clinician'], status: 'open' })]);
    const taskId = provisioning.tasks[0].id;
    const mine = await api.get('/api/v1/tasks?status=open', 'ehrown');
    expect(mine.body.items.map((t: { id: string }) => t.id)).toContain(taskId);
    expect((await api.get('/api/v1/tasks', 'finown')).body.items.map((t: { id: string }) => t.id)).not.toContain(taskId);
    expect((await api.post(`/api/v1/tasks/${taskId}/complete`, 'finown', { note: 'not mine' })).status).toBe(403);
    const done = await api.post(`/api/v1/tasks/${taskId}/complete`, 'ehrown', { note: 'account created', externalRef: 'INC-1' });
    expect(done.status).toBe(200);
    expect((await api.post(`/api/v1/tasks/${taskId}/complete`, 'ehrown', { note: 'again' })).status).toBe(409);

    const final = await api.waitStatus(id, 'completed');
    expect(final.approvals.map((a: any) => a.decisions.map((d: any) => [d.approver, d.decision]))).toEqual([[['mgr', 'approve']], [['ehrown2', 'approve']]]);
    expect(final.tasks[0]).toMatchObject({ status: 'done', completedBy: 'ehrown', completedAt: expect.any(String) });
    const actions = final.timeline.map((e: any) => e.action);
    expect(actions).toEqual([
      'request.created', 'sod.evaluated', 'request.planned',
      'approval.step_opened', 'approval.approved', 'approval.step_opened', 'approval.approved',
      'request.approved', 'task.created', 'ticket.delivered', 'task.completed',
      'access.granted', 'identity.activated', 'request.completed',
    ]);
    const approvals = final.timeline.filter((e: any) => e.action === 'approval.approved');
    expect(approvals.map((e: any) => e.actor.id)).toEqual(['mgr', 'ehrown2']);
    const { rows } = await stack.owner.query(`SELECT status FROM identity WHERE key = $1`, [res.key]);
    expect(rows[0].status).toBe('active');
    const access = await stack.owner.query(`SELECT role_key, provenance, request_id, approved_by, task_ids FROM access_assignment WHERE identity_key = $1`, [res.key]);
    expect(access.rows).toEqual([{ role_key: 'ehr-clinician', provenance: 'request', request_id: id, approved_by: ['ehrown2', 'mgr'], task_ids: [taskId] }]);
  });

  it('waits for its first approvers when the 202 answers: planned in the intake transaction, no activity before the approvers (ADR 181)', async () => {
    const { body } = await joiner(['fin-payer']);
    // No wait: the plan and the open step 1 committed with the request.
    const steps = await stack.owner.query(`SELECT step, status FROM approval_step WHERE request_id = $1 ORDER BY step`, [body.id]);
    expect(steps.rows).toEqual([{ step: 1, status: 'pending' }]);
    const { timeline } = await api.request(body.id);
    expect(timeline.map((e: { action: string; actor: { id: string } }) => `${e.action} ${e.actor.id}`)).toEqual([
      'request.created req', 'sod.evaluated system:api', 'request.planned system:api', 'approval.step_opened system:api',
    ]);
    const t = await temporalClient();
    try {
      // The workflow's first task only starts the reminder's timer: no activity, no local activity.
      const events = await until('the reminder timer', async () => {
        const h = await t.client.workflow.getHandle(body.workflowId).fetchHistory();
        return h.events?.some((e) => e.timerStartedEventAttributes) ? h.events : null;
      });
      expect(events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [])).toEqual([]);
      expect(events.filter((e) => e.markerRecordedEventAttributes)).toEqual([]);
    } finally {
      await t.close();
    }
    expect((await api.request(body.id)).timeline).toHaveLength(4);
  });

  it('ends on a rejection, and refuses the subject, the requester and a non-approver with 403', async () => {
    const { body } = await joiner(['fin-payer']);
    await api.waitStep(body.id, 1);
    const before = await api.request(body.id);
    expect((await api.post(`/api/v1/requests/${body.id}/decisions`, 'req', { decision: 'approve', comment: 'me' })).status).toBe(403);
    const other = await api.post(`/api/v1/requests/${body.id}/decisions`, 'other', { decision: 'approve', comment: 'me' });
    expect(other.status).toBe(403);
    expect(other.body.message).toMatch(/not an eligible approver/);
    const after = await api.request(body.id);
    expect(after.timeline.length).toBe(before.timeline.length);
    expect(after.approvals[0].decisions).toEqual([]);

    expect((await api.post(`/api/v1/requests/${body.id}/decisions`, 'mgr', { decision: 'reject', comment: 'no budget' })).status).toBe(201);
    const final = await api.waitStatus(body.id, 'rejected');
    expect(final.approvals[0]).toMatchObject({ status: 'rejected', decisions: [expect.objectContaining({ approver: 'mgr', decision: 'reject', comment: 'no budget' })] });
    expect(final.tasks).toEqual([]);
    expect((await api.post(`/api/v1/requests/${body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'late' })).status).toBe(409);
  });

  it('an SoD block ends the request rejected with the findings, before anyone is asked', async () => {
    const { body } = await joiner(['fin-payer', 'fin-approver']);
    const final = await api.waitStatus(body.id, 'rejected');
    expect(final.outcome).toBe('sod_block');
    expect(final.sodFindings).toEqual([expect.objectContaining({ rule: 'pay-vs-approve', action: 'block' })]);
    expect(final.approvals.every((a: any) => a.status === 'cancelled')).toBe(true);
  });

  it('SoD dual approval: the same approver twice is refused, two distinct approvers pass', async () => {
    const { body } = await joiner(['ehr-clinician', 'fin-payer']);
    const open = await api.waitStep(body.id, 1);
    expect(open.sodFindings).toEqual([expect.objectContaining({ rule: 'clin-vs-pay', action: 'require_dual_approval' })]);
    expect(open.approvals[0]).toMatchObject({ required: 2 });
    // The manager alone cannot staff a two-person step: routing adds the manager's manager.
    expect(open.approvals[0].eligibleApprovers).toEqual(['boss', 'mgr']);
    expect((await api.post(`/api/v1/requests/${body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'one' })).status).toBe(201);
    expect((await api.post(`/api/v1/requests/${body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'twice' })).status).toBe(409);
    expect((await api.request(body.id)).approvals[0].status).toBe('pending');
    expect((await api.post(`/api/v1/requests/${body.id}/decisions`, 'boss', { decision: 'approve', comment: 'two' })).status).toBe(201);
    const next = await api.waitStep(body.id, 2);
    expect(next.approvals[0]).toMatchObject({ status: 'approved', decisions: [expect.objectContaining({ approver: 'mgr' }), expect.objectContaining({ approver: 'boss' })] });
  });

  it('accepts one of several concurrent joiners of one new person; the others are 409, none a 500', async () => {
    const body = {
      identity: { key: 'JR', username: 'jr', email: 'jr@example.org', name: 'Raced Joiner', department: 'D', title: 'T', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['ehr-clinician'], justification: 'raced',
    };
    const answers = await racedAtCommit(stack.owner, 4, () => Array.from({ length: 4 }, () => api.post('/api/v1/requests/joiner', 'req', body)));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.message).toMatch(/identity JR already (exists|has an open joiner or mover request)/);
    const rows = await stack.owner.query(`SELECT count(*)::int AS n FROM request WHERE identity_key = 'JR'`);
    expect(rows.rows[0].n).toBe(1);
  });

  it('validates against the catalog: unknown role 400, existing identity 409', async () => {
    const unknown = await joiner(['no-such-role']);
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([{ path: 'roles[0]', problems: ['unknown role no-such-role'] }]);
    const dup = await api.post('/api/v1/requests/joiner', 'req', {
      identity: { key: 'mgr', username: 'x1', email: 'x1@example.org', name: 'X', department: 'D', title: 'T', manager: 'boss', startDate: '2027-01-04' },
      roles: ['ehr-clinician'], justification: 'dup',
    });
    expect(dup.status).toBe(409);
    expect((await joiner(['ehr-clinician'], 'other')).status).toBe(403);
  });

  it('a second joiner of a person whose joiner is still open is a 409, with no second request and no ledger row (the unique index answers, ADR 124)', async () => {
    const body = {
      identity: { key: 'JT', username: 'jt', email: 'jt@example.org', name: 'Twice Joiner', department: 'D', title: 'T', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['ehr-clinician'], justification: 'first',
    };
    expect((await api.post('/api/v1/requests/joiner', 'req', body)).status).toBe(202);
    const again = await api.post('/api/v1/requests/joiner', 'req', { ...body, justification: 'second' });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('identity JT already has an open joiner or mover request');
    const rows = await stack.owner.query(`SELECT count(*)::int AS n FROM request WHERE identity_key = 'JT'`);
    expect(rows.rows[0].n).toBe(1);
    const created = await stack.owner.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'request.created' AND details->>'identity' = 'JT'`);
    expect(created.rows[0].n).toBe(1);
  });
});
