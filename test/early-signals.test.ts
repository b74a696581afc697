import { createLeaverActivities } from '../activities/leaver.activities';
import { createRequestActivities } from '../activities/requests.activities';
import { grantImported } from './support/leaver-fixtures';
import { startWorker } from './support/services';
import { http, people, seedRole, seedSystem, startRequestStack, until, type RequestStack } from './requests-fixture';

/**
 * Signals that reach a workflow before the activity result they refer to (ADR 178). Each case
 * starts with no worker, commits what the dead worker's activity had committed by calling the
 * activity itself, lets a person act on it through the API (the signal lands in the history), and
 * only then starts a worker: its first workflow task sees the signal before the activity's result,
 * exactly as a worker killed mid-activity leaves it (the CI failure of stop 19).
 */
describe('a signal that arrives before the activity result it refers to', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  let n = 0;

  beforeAll(async () => {
    // The leaver's reconcile timer would find a lost attestation after 5 minutes: far beyond these waits.
    stack = await startRequestStack({ LEAVER_RECONCILE_INTERVAL: '5m' }, { worker: false });
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', roles: ['admin'] }, { key: 'mgr' }, { key: 'req', roles: ['requester'] }, { key: 'own' }, { key: 'hr1', roles: ['hr'] },
    ]);
    await seedSystem(stack.owner, 'vpn', ['own'], ['user']);
    await seedRole(stack.owner, 'vpn-user', 'own', [['vpn', 'user']], [{ kind: 'manager' }]);
  });

  afterAll(() => stack?.stop());
  afterEach(async () => {
    await stack.worker?.stop();
    stack.worker = null;
  });

  it('a decision posted while the plan\'s workflow task was lost is applied once the plan is known', async () => {
    const key = `EJ${++n}`;
    const { status, body } = await api.post('/api/v1/requests/joiner', 'req', {
      identity: { key, username: key.toLowerCase(), email: `${key.toLowerCase()}@example.org`, name: `Early ${n}`, department: 'IT', title: 'Engineer', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['vpn-user'], justification: 'early decision',
    });
    expect(status).toBe(202);
    // What the killed worker's local activity committed: the plan, and step 1 open for 'mgr'.
    const acts = createRequestActivities({ orm: stack.orm, config: stack.auth.config });
    expect(await acts.planAndOpenFirstStep({ requestId: body.id, grantTaskDue: '1h', firstStepDueAt: new Date(Date.now() + 3600_000).toISOString() }))
      .toMatchObject({ outcome: 'ok', firstStepOpen: true });
    expect((await api.post(`/api/v1/requests/${body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'before the plan' })).status).toBe(201);

    stack.worker = await startWorker(stack.auth.config, stack.orm);
    // Before the fix the decision was dropped and the request waited for an approval already given.
    const prov = await api.waitStatus(body.id, 'provisioning', 30_000);
    expect(prov.tasks).toHaveLength(1);
    expect((await api.post(`/api/v1/tasks/${prov.tasks[0].id}/complete`, 'own', { note: 'done' })).status).toBe(200);
    await api.waitStatus(body.id, 'completed', 30_000);
  });

  it('a leaver\'s revoke task attested before the workflow knew its tasks closes the leaver without waiting for the reconcile timer', async () => {
    const key = `EL${++n}`;
    await people(stack.db, [{ key, manager: 'mgr' }]);
    await grantImported(stack.owner, `role-${key.toLowerCase()}`, 'own', ['vpn'], [key]);
    const { status, body } = await api.post('/api/v1/requests/leaver', 'hr1', { identity: key, reason: 'voluntary' });
    expect(status).toBe(202);
    // What the killed worker's activity committed: the leaver effective, one revoke task open.
    const leaver = createLeaverActivities({ orm: stack.orm, config: stack.auth.config });
    const begun = await leaver.beginLeaverIfEffective({ requestId: body.id, urgent: false, effectiveAt: new Date().toISOString() });
    expect(begun.plan?.tasks).toHaveLength(1);
    expect((await api.post(`/api/v1/tasks/${begun.plan!.tasks[0].taskId}/complete`, 'own', { note: 'removed' })).status).toBe(200);

    stack.worker = await startWorker(stack.auth.config, stack.orm);
    await until(`leaver ${body.id} to complete`, async () => {
      const r = await stack.owner.query(`SELECT status FROM request WHERE id = $1`, [body.id]);
      return r.rows[0].status === 'completed';
    }, 30_000);
  });

  it('beginLeaverIfEffective retried after its commit returns the stored revoke tasks, not a closed leaver', async () => {
    const key = `ER${++n}`;
    await people(stack.db, [{ key, manager: 'mgr' }]);
    await grantImported(stack.owner, `role-${key.toLowerCase()}`, 'own', ['vpn'], [key]);
    const { body } = await api.post('/api/v1/requests/leaver', 'hr1', { identity: key, reason: 'voluntary' });
    const leaver = createLeaverActivities({ orm: stack.orm, config: stack.auth.config });
    const input = { requestId: body.id, urgent: false, effectiveAt: new Date().toISOString() };
    const first = await leaver.beginLeaverIfEffective(input);
    const again = await leaver.beginLeaverIfEffective(input);
    expect(first.plan?.tasks).toHaveLength(1);
    // Before the fix: { status: 'deprovisioning', plan: null }, which the workflow finished as cancelled.
    expect(again.plan?.tasks).toEqual(first.plan?.tasks);
    expect(again.plan?.status).toBe('deprovisioning');
    const ledger = await stack.owner.query(`SELECT action, count(*)::int AS n FROM audit_event WHERE request_id = $1 GROUP BY action HAVING count(*) > 1`, [body.id]);
    expect(ledger.rows).toEqual([]);
  });
});
