import { createRequestActivities } from '../activities/requests.activities';
import { http, people, seedRole, seedSystem, startRequestStack, type RequestStack } from './requests-fixture';

/**
 * The joiner's folded first step (ADR 123) run again, as a local activity is after a worker dies
 * between its commit and the workflow task's completion: the same plan, step 1 opened once, each
 * ledger row once. No worker runs here, so the test alone drives the activity.
 */
describe('planAndOpenFirstStep retried', () => {
  let stack: RequestStack;

  beforeAll(async () => {
    stack = await startRequestStack({}, { worker: false });
    await people(stack.db, [{ key: 'adm', roles: ['admin'] }, { key: 'mgr' }, { key: 'req', roles: ['requester'] }, { key: 'own' }]);
    await seedSystem(stack.owner, 'ehr', ['own'], ['reader']);
    await seedRole(stack.owner, 'ehr-reader', 'own', [['ehr', 'reader']], [{ kind: 'manager' }, { kind: 'system_owner' }]);
  });
  afterAll(() => stack?.stop());

  it('returns the stored plan, opens step 1 once and writes each ledger row once, also after step 1 was decided', async () => {
    const { body } = await http(stack).post('/api/v1/requests/joiner', 'req', {
      identity: { key: 'RT', username: 'rt', email: 'rt@example.org', name: 'Retried', department: 'D', title: 'T', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['ehr-reader'], justification: 'retry',
    });
    const acts = createRequestActivities({ orm: stack.orm, config: stack.auth.config });
    const input = (dueAt: string) => ({ requestId: body.id, grantTaskDue: '1h', firstStepDueAt: dueAt });
    const first = await acts.planAndOpenFirstStep(input('2030-01-01T00:00:00.000Z'));
    expect(first).toMatchObject({ outcome: 'ok', firstStepOpen: true, steps: [{ step: 1, eligibleApprovers: ['mgr'] }, { step: 2, eligibleApprovers: ['own'] }] });
    const again = await acts.planAndOpenFirstStep(input('2031-01-01T00:00:00.000Z'));
    expect(again).toEqual(first);
    await stack.owner.query(`UPDATE approval_step SET status = 'approved' WHERE request_id = $1 AND step = 1`, [body.id]);
    expect(await acts.planAndOpenFirstStep(input('2032-01-01T00:00:00.000Z'))).toEqual(first);

    const steps = await stack.owner.query(`SELECT step, status, due_at FROM approval_step WHERE request_id = $1 ORDER BY step`, [body.id]);
    expect(steps.rows).toEqual([
      { step: 1, status: 'approved', due_at: new Date('2030-01-01T00:00:00.000Z') },
      { step: 2, status: 'waiting', due_at: null },
    ]);
    const ledger = await stack.owner.query(`SELECT action FROM audit_event WHERE request_id = $1 ORDER BY seq`, [body.id]);
    expect(ledger.rows.map((r) => r.action)).toEqual(['request.created', 'sod.evaluated', 'request.planned', 'approval.step_opened']);
  });
});
