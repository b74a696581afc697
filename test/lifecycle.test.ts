import { holdRole, http, people, seedRole, seedSystem, startRequestStack, until, type RequestStack } from './requests-fixture';

/**
 * Identity lifecycle faults of issue 11 (items 4, 6, 7, 8), over HTTP with real PostgreSQL and
 * Temporal. Each case failed before its fix.
 */
describe('identity lifecycle on the request machine', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  const joiner = (key: string, manager = 'mgr') => ({
    identity: { key, username: key.toLowerCase(), email: `${key.toLowerCase()}@example.org`, name: `Person ${key}`, department: 'D', title: 'T', manager, startDate: '2027-01-04' },
    roles: ['clin'], justification: 'starts monday',
  });

  beforeAll(async () => {
    stack = await startRequestStack();
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', roles: ['admin'] }, { key: 'hr', roles: ['hr'] }, { key: 'boss' }, { key: 'mgr', manager: 'boss' },
      { key: 'req', roles: ['requester'] }, { key: 'own', manager: 'boss' },
      { key: 'mgr7', manager: 'boss' }, { key: 'solo', manager: 'boss' }, { key: 'solo2', manager: 'boss' },
    ]);
    // Systems whose only owner is the person a task is about.
    await seedSystem(stack.owner, 'lab', ['solo'], ['tech'], 8);
    await seedSystem(stack.owner, 'lab2', ['solo2'], ['tech'], 8);
    await seedRole(stack.owner, 'lab-tech', 'own', [['lab', 'tech']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'lab2-tech', 'own', [['lab2', 'tech']], [{ kind: 'manager' }]);
    await holdRole(stack.owner, 'solo', 'lab-tech');
    await seedSystem(stack.owner, 'ehr', ['own'], ['reader'], 8);
    await seedSystem(stack.owner, 'pacs', ['own'], ['viewer'], 4);
    await seedRole(stack.owner, 'clin', 'own', [['ehr', 'reader'], ['pacs', 'viewer']], [{ kind: 'manager' }]);
  });
  afterAll(() => stack?.stop());

  it('item 4: a leaver during a joiner whose grant task was attested revokes what was carried out or in flight, within SLA', async () => {
    const j = await api.post('/api/v1/requests/joiner', 'req', joiner('J4'));
    await api.waitStep(j.body.id, 1);
    expect((await api.post(`/api/v1/requests/${j.body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'ok' })).status).toBe(201);
    const prov = await api.waitStatus(j.body.id, 'provisioning');
    const ehrGrant = prov.tasks.find((t: { system: string }) => t.system === 'ehr');
    expect((await api.post(`/api/v1/tasks/${ehrGrant.id}/complete`, 'own', { note: 'account created' })).status).toBe(200);

    const l = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'J4', reason: 'involuntary' });
    expect(l.status).toBe(202);
    const leaver = await api.waitStatus(l.body.id, 'deprovisioning');
    expect(leaver.tasks.map((t: { system: string; action: string }) => [t.system, t.action])).toEqual([['ehr', 'revoke'], ['pacs', 'revoke']]);
    const { rows } = await stack.owner.query(`SELECT system_key, entitlements, extract(epoch FROM due_at - created_at) / 3600 AS hours FROM task WHERE request_id = $1 ORDER BY system_key`, [l.body.id]);
    expect(rows.map((r) => [r.system_key, r.entitlements, Math.round(Number(r.hours))])).toEqual([['ehr', ['reader'], 8], ['pacs', ['viewer'], 4]]);
    expect((await api.request(j.body.id)).status).toBe('cancelled');
  });

  it('item 4: a leaver with nothing carried out and nothing recorded opens no task', async () => {
    const j = await api.post('/api/v1/requests/joiner', 'req', joiner('J4B'));
    await api.waitStep(j.body.id, 1);
    const l = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'J4B', reason: 'voluntary' });
    const done = await api.waitStatus(l.body.id, 'completed');
    expect(done.tasks).toEqual([]);
    await until('the joiner cancelled', async () => (await api.request(j.body.id)).status === 'cancelled');
  });

  it('item 7: a leaving approver\'s open step re-routes at once to their active manager, audited', async () => {
    const j = await api.post('/api/v1/requests/joiner', 'req', joiner('J7', 'mgr7'));
    await api.waitStep(j.body.id, 1);
    const l = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'mgr7', reason: 'for_cause' });
    await api.waitStatus(l.body.id, 'completed');
    const r = await api.request(j.body.id);
    expect(r.approvals[0].eligibleApprovers).toEqual(['boss']);
    const rerouted = r.timeline.find((e: { action: string }) => e.action === 'approval.rerouted');
    expect(rerouted.details).toMatchObject({ step: 1, from: 'mgr7', to: ['boss'], via: 'manager' });
    expect((await api.post(`/api/v1/requests/${j.body.id}/decisions`, 'boss', { decision: 'approve', comment: 'covering' })).status).toBe(201);
    await api.waitStatus(j.body.id, 'provisioning');
  });

  it('item 8: when every owner of the system is the task\'s subject, a stand-in attests, never the subject', async () => {
    // A leaver who is the only owner of a system they hold access on.
    const l = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'solo', reason: 'voluntary' });
    const [task] = (await api.waitStatus(l.body.id, 'deprovisioning')).tasks;
    expect(task.fallbackAttesters).toEqual(['boss']);
    expect((await api.post(`/api/v1/tasks/${task.id}/complete`, 'adm', { note: 'not mine to attest' })).status).toBe(403);
    const mine = await api.get('/api/v1/tasks', 'boss');
    expect(mine.body.items.map((t: { id: string }) => t.id)).toContain(task.id);
    expect((await api.post(`/api/v1/tasks/${task.id}/complete`, 'boss', { note: 'removed for them' })).status).toBe(200);
    const done = await api.waitStatus(l.body.id, 'completed');
    expect(done.timeline.find((e: { action: string }) => e.action === 'task.attester_fallback').details).toMatchObject({ owners: ['solo'], fallbackAttesters: ['boss'], via: 'manager' });

    // A mover granting the only owner access to their own system: the same rule for a grant.
    const m = await api.post('/api/v1/requests/mover', 'req', { identity: 'solo2', addRoles: ['lab2-tech'], justification: 'covers the lab' });
    await api.waitStep(m.body.id, 1);
    expect((await api.post(`/api/v1/requests/${m.body.id}/decisions`, 'boss', { decision: 'approve', comment: 'ok' })).status).toBe(201);
    const [grant] = (await api.waitStatus(m.body.id, 'provisioning')).tasks;
    expect(grant.fallbackAttesters).toEqual(['boss']);
    expect((await api.post(`/api/v1/tasks/${grant.id}/complete`, 'solo2', { note: 'self' })).status).toBe(403);
    expect((await api.post(`/api/v1/tasks/${grant.id}/complete`, 'boss', { note: 'granted' })).status).toBe(200);
    await api.waitStatus(m.body.id, 'completed');
  });

  it('item 6: a joiner naming a terminated identity\'s key rehires it through the joiner flow, history kept', async () => {
    const attestAll = async (r: { tasks: { id: string }[] }) => {
      for (const t of r.tasks) expect((await api.post(`/api/v1/tasks/${t.id}/complete`, 'own', { note: 'done' })).status).toBe(200);
    };
    const first = await api.post('/api/v1/requests/joiner', 'req', joiner('R6'));
    await api.waitStep(first.body.id, 1);
    await api.post(`/api/v1/requests/${first.body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'ok' });
    await attestAll(await api.waitStatus(first.body.id, 'provisioning'));
    await api.waitStatus(first.body.id, 'completed');
    const left = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'R6', reason: 'voluntary' });
    await attestAll(await api.waitStatus(left.body.id, 'deprovisioning'));
    await api.waitStatus(left.body.id, 'completed');

    // Someone else's username or email stays 409, naming whose it is.
    const clash = await api.post('/api/v1/requests/joiner', 'req', { ...joiner('R6X'), identity: { ...joiner('R6X').identity, username: 'r6' } });
    expect(clash.status).toBe(409);
    expect(clash.body.message).toContain('R6');

    const again = await api.post('/api/v1/requests/joiner', 'req', { ...joiner('R6'), justification: 'rehired' });
    expect(again.status).toBe(202);
    expect((await api.get('/api/v1/identities/R6', 'adm')).body.status).toBe('pending');
    expect((await api.request(again.body.id)).timeline[0].details.changes.rehire).toMatchObject({ status: 'terminated' });
    await api.waitStep(again.body.id, 1);
    await api.post(`/api/v1/requests/${again.body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'welcome back' });
    await attestAll(await api.waitStatus(again.body.id, 'provisioning'));
    await api.waitStatus(again.body.id, 'completed');
    const person = (await api.get('/api/v1/identities/R6', 'adm')).body;
    expect(person.status).toBe('active');
    expect(new Set(person.access.map((a: { requestId: string }) => a.requestId))).toEqual(new Set([again.body.id]));
    // The earlier joiner and leaver stay readable, with their ledger rows.
    expect((await api.request(first.body.id)).status).toBe('completed');
    expect((await api.request(left.body.id)).timeline.map((e: { action: string }) => e.action)).toContain('access.revoked');
    // And the rehired person can leave again (the leaver id names the person).
    expect((await api.post('/api/v1/requests/leaver', 'hr', { identity: 'R6', reason: 'voluntary', effectiveAt: new Date(Date.now() + 3600_000).toISOString() })).status).toBe(202);
  });
});
