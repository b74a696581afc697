import { randomUUID } from 'node:crypto';
import { createRequestActivities } from '../activities/requests.activities';
import { http, people, seedRole, seedSodRule, seedSystem, startRequestStack, type RequestStack } from './requests-fixture';

/**
 * The joiner's folded first step (ADR 123) run again, as a local activity is after a worker dies
 * between its commit and the workflow task's completion: the same plan, step 1 opened once, each
 * ledger row once. Since ADR 181 only runs started before it plan in the worker, so a request of
 * that age is written here as the API wrote it then (no plan); and an older worker's activity,
 * run on a request the API planned at intake (a rolling deploy), returns that plan unchanged.
 * No worker runs here, so the test alone drives the activity.
 */
describe('planAndOpenFirstStep retried', () => {
  let stack: RequestStack;
  let acts: ReturnType<typeof createRequestActivities>;
  const input = (requestId: string, dueAt: string) => ({ requestId, grantTaskDue: '1h', firstStepDueAt: dueAt });
  const ledger = async (id: string) =>
    (await stack.owner.query(`SELECT action, actor_id FROM audit_event WHERE request_id = $1 ORDER BY seq`, [id])).rows.map((r) => `${r.action} ${r.actor_id}`);

  /** A mover adding `roles`, as the API wrote it before ADR 181: no plan, no steps. */
  const requestBeforeAdr181 = async (identity: string, roles: string[]) => {
    const id = randomUUID();
    await stack.owner.query(
      `INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, roles, workflow_id)
       VALUES ($1, 'mover', 'pending_approval', $2, 'identity', 'req', 'req', $3::jsonb, $4)`,
      [id, identity, JSON.stringify(roles.map((role) => ({ role, version: 1 }))), `mover-${id}`],
    );
    return id;
  };

  beforeAll(async () => {
    stack = await startRequestStack({}, { worker: false });
    await people(stack.db, [{ key: 'adm', roles: ['admin'] }, { key: 'mgr' }, { key: 'req', roles: ['requester'] }, { key: 'own' }, { key: 'OLD', manager: 'mgr' }, { key: 'OLD2', manager: 'mgr' }]);
    await seedSystem(stack.owner, 'ehr', ['own'], ['reader']);
    await seedRole(stack.owner, 'ehr-reader', 'own', [['ehr', 'reader']], [{ kind: 'manager' }, { kind: 'system_owner' }]);
    await seedSystem(stack.owner, 'pay', ['own'], ['payer', 'approver']);
    await seedRole(stack.owner, 'pay-payer', 'own', [['pay', 'payer']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'pay-approver', 'own', [['pay', 'approver']], [{ kind: 'manager' }]);
    await seedSodRule(stack.owner, 'pay-both', 'block', ['pay-payer', 'pay-approver']);
    acts = createRequestActivities({ orm: stack.orm, config: stack.auth.config });
  });
  afterAll(() => stack?.stop());

  it('a request from before ADR 181: the stored plan, step 1 opened once and each ledger row once, also after step 1 was decided', async () => {
    const id = await requestBeforeAdr181('OLD', ['ehr-reader']);
    const first = await acts.planAndOpenFirstStep(input(id, '2030-01-01T00:00:00.000Z'));
    expect(first).toMatchObject({ outcome: 'ok', firstStepOpen: true, steps: [{ step: 1, eligibleApprovers: ['mgr'] }, { step: 2, eligibleApprovers: ['own'] }] });
    const again = await acts.planAndOpenFirstStep(input(id, '2031-01-01T00:00:00.000Z'));
    expect(again).toEqual(first);
    await stack.owner.query(`UPDATE approval_step SET status = 'approved' WHERE request_id = $1 AND step = 1`, [id]);
    expect(await acts.planAndOpenFirstStep(input(id, '2032-01-01T00:00:00.000Z'))).toEqual(first);

    const steps = await stack.owner.query(`SELECT step, status, due_at FROM approval_step WHERE request_id = $1 ORDER BY step`, [id]);
    expect(steps.rows).toEqual([
      { step: 1, status: 'approved', due_at: new Date('2030-01-01T00:00:00.000Z') },
      { step: 2, status: 'waiting', due_at: null },
    ]);
    expect(await ledger(id)).toEqual(['sod.evaluated system:worker', 'request.planned system:worker', 'approval.step_opened system:worker']);
  });

  it('a request planned at intake (ADR 181): an older worker gets the same plan, and nothing is opened or written twice', async () => {
    const { body } = await http(stack).post('/api/v1/requests/joiner', 'req', {
      identity: { key: 'RT', username: 'rt', email: 'rt@example.org', name: 'Retried', department: 'D', title: 'T', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['ehr-reader'], justification: 'retry',
    });
    const atIntake = await stack.owner.query(`SELECT step, status, due_at FROM approval_step WHERE request_id = $1 ORDER BY step`, [body.id]);
    expect(atIntake.rows.map((r) => [r.step, r.status])).toEqual([[1, 'pending'], [2, 'waiting']]);
    const plan = await acts.planAndOpenFirstStep(input(body.id, '2030-01-01T00:00:00.000Z'));
    expect(plan).toMatchObject({ outcome: 'ok', firstStepOpen: true, steps: [{ step: 1, eligibleApprovers: ['mgr'] }, { step: 2, eligibleApprovers: ['own'] }] });
    expect((await stack.owner.query(`SELECT step, status, due_at FROM approval_step WHERE request_id = $1 ORDER BY step`, [body.id])).rows).toEqual(atIntake.rows);
    expect(await ledger(body.id)).toEqual(['request.created req', 'sod.evaluated system:api', 'request.planned system:api', 'approval.step_opened system:api']);
  });

  // The stored-plan path answered `ok` for a plan blocked by an SoD rule, so a retry (or an older
  // worker meeting a request planned at intake) went on to open step 1 for the approvers.
  it('a plan blocked by an SoD rule stays blocked when the activity runs again: step 1 is never opened', async () => {
    const id = await requestBeforeAdr181('OLD2', ['pay-payer', 'pay-approver']);
    const first = await acts.planAndOpenFirstStep(input(id, '2030-01-01T00:00:00.000Z'));
    expect(first).toMatchObject({ outcome: 'blocked', firstStepOpen: false });
    const again = await acts.planAndOpenFirstStep(input(id, '2031-01-01T00:00:00.000Z'));
    expect(again).toMatchObject({ outcome: 'blocked', firstStepOpen: false });
    const steps = await stack.owner.query(`SELECT status FROM approval_step WHERE request_id = $1`, [id]);
    expect(steps.rows.every((r) => r.status === 'waiting')).toBe(true);
    expect(await ledger(id)).toEqual(['sod.evaluated system:worker', 'request.planned system:worker']);
  });
});
