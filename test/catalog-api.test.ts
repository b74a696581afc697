import { Client as PgClient } from 'pg';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

/** Systems, roles and SoD rules over HTTP: CRUD, validation naming every problem, nothing written on error. */
describe('catalog API', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: { url: string; close(): Promise<void> };
  let pg: PgClient;

  async function call(user: string | null, method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (user) Object.assign(headers, await auth.authHeader(user));
    const res = await fetch(`${api.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const count = async (table: string) => (await pg.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
  const audit = async (action: string) => (await pg.query(`SELECT actor_id, subject_id, details FROM audit_event WHERE action = $1 ORDER BY seq`, [action])).rows;

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    pg = new PgClient({ connectionString: db.ownerUrl });
    await pg.connect();
    await createIdentity(db, { key: 'A1', username: 'root', name: 'Ada Admin', roles: ['admin'] });
    await createIdentity(db, { key: 'O1', username: 'owner', name: 'Olga Owner', roles: ['requester'] });
    await createIdentity(db, { key: 'R1', username: 'reader', name: 'Rita Reader', roles: ['requester'] });
  });

  afterAll(async () => {
    await pg?.end();
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  const ehr = {
    key: 'ehr',
    name: 'EHR',
    owners: ['O1'],
    channel: 'queue',
    target: null,
    deprovisionSlaHours: 4,
    entitlements: [
      { key: 'chart-read', name: 'Read charts' },
      { key: 'order-meds', name: 'Order medications', privileged: true },
    ],
  };

  it('creates, reads, lists and replaces a system, auditing each write', async () => {
    expect((await call('root', 'POST', '/api/v1/systems', ehr)).status).toBe(201);
    const got = await call('reader', 'GET', '/api/v1/systems/ehr');
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      key: 'ehr', name: 'EHR', owners: ['O1'], channel: 'queue', target: null, deprovisionSlaHours: 4,
      entitlements: [
        { key: 'chart-read', name: 'Read charts', privileged: false },
        { key: 'order-meds', name: 'Order medications', privileged: true },
      ],
      manualEffort: { minutesPerTask: null, hourlyCost: null },
    });
    const put = await call('root', 'PUT', '/api/v1/systems/ehr', { ...ehr, key: undefined, channel: 'webhook', target: 'https://helpdesk.example/api/tickets', entitlements: [...ehr.entitlements, { key: 'sign', name: 'Sign notes' }] });
    expect(put.status).toBe(200);
    expect(put.body.entitlements).toHaveLength(3);
    expect((await call('root', 'POST', '/api/v1/systems', { ...ehr, key: 'pacs', name: 'PACS' })).status).toBe(201);
    const page1 = await call('reader', 'GET', '/api/v1/systems?limit=1');
    expect(page1.body.items.map((s: { key: string }) => s.key)).toEqual(['ehr']);
    const page2 = await call('reader', 'GET', `/api/v1/systems?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ items: [{ key: 'pacs' }], nextCursor: null });
    expect((await audit('system.created')).map((r) => [r.actor_id, r.subject_id])).toEqual([['A1', 'ehr'], ['A1', 'pacs']]);
    expect((await audit('system.updated'))[0].details.after.channel).toBe('webhook');
  });

  it('rejects bad systems naming every problem, and writes nothing', async () => {
    const before = [await count('target_system'), await count('entitlement'), await count('audit_event')];
    const bad = await call('root', 'POST', '/api/v1/systems', {
      key: 'Bad Key', name: '', owners: ['nobody'], channel: 'fax', deprovisionSlaHours: 'soon', entitlements: [{ key: 'x' }], extra: 1,
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['key', 'name', 'channel', 'deprovisionSlaHours', 'entitlements.0.name', 'extra']));
    const unknownOwner = await call('root', 'POST', '/api/v1/systems', { ...ehr, key: 'lis', owners: ['O1', 'ghost'], channel: 'email', target: 'not-an-inbox' });
    expect(unknownOwner.status).toBe(400);
    expect(unknownOwner.body.details).toEqual([
      { path: 'owners.1', problems: ['unknown identity "ghost"'] },
      { path: 'target', problems: ['must be the shared inbox address for the email channel'] },
    ]);
    expect((await call('root', 'POST', '/api/v1/systems', ehr)).status).toBe(409);
    expect((await call('reader', 'POST', '/api/v1/systems', { ...ehr, key: 'x1' })).status).toBe(403);
    expect((await call(null, 'GET', '/api/v1/systems')).status).toBe(401);
    expect((await call('reader', 'GET', '/api/v1/systems/nope')).status).toBe(404);
    expect([await count('target_system'), await count('entitlement'), await count('audit_event')]).toEqual(before);
  });

  const role = {
    key: 'clinician',
    name: 'Clinician',
    description: 'Ward clinician',
    owner: 'O1',
    risk: 'medium',
    entitlements: [{ system: 'ehr', entitlement: 'chart-read' }],
    approvalPolicy: { steps: [{ kind: 'manager' }, { kind: 'system_owner', approvers: 2 }] },
  };

  it('versions roles: every PUT is version n+1 and the old version stays unchanged', async () => {
    const created = await call('root', 'POST', '/api/v1/roles', role);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'clinician', version: 1, latestVersion: 1 });
    const v1 = (await call('reader', 'GET', '/api/v1/roles/clinician/versions/1')).body;
    const { key: _k, ...body } = role;
    // The role owner may change their role; someone else may not.
    const denied = await call('reader', 'PUT', '/api/v1/roles/clinician', body);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/role owner \(O1\)/);
    const v2 = await call('owner', 'PUT', '/api/v1/roles/clinician', { ...body, entitlements: [...body.entitlements, { system: 'ehr', entitlement: 'sign' }] });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, latestVersion: 2, createdBy: 'O1' });
    expect((await call('reader', 'GET', '/api/v1/roles/clinician')).body.version).toBe(2);
    const v1again = (await call('reader', 'GET', '/api/v1/roles/clinician/versions/1')).body;
    expect({ ...v1again, latestVersion: 1 }).toEqual(v1);
    expect(v1again.entitlements).toEqual([{ system: 'ehr', entitlement: 'chart-read' }]);
    expect((await call('reader', 'GET', '/api/v1/roles/clinician/versions/3')).status).toBe(404);
    expect((await call('reader', 'GET', '/api/v1/roles/clinician/versions/abc')).status).toBe(400);
    expect((await audit('role.version_created')).map((r) => r.details.version)).toEqual([2]);
  });

  it('an edit based on an older version is refused (409) and writes nothing: no lost update (ADR 171)', async () => {
    const { key: _k, ...body } = role;
    const stale = await call('root', 'PUT', '/api/v1/roles/clinician', { ...body, name: 'Stale edit', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/now at version 2, not 1/);
    expect((await call('reader', 'GET', '/api/v1/roles/clinician')).body).toMatchObject({ version: 2, name: role.name });
    expect((await call('root', 'PUT', '/api/v1/roles/clinician', { ...body, expectedVersion: 0 })).status).toBe(400);
    const fresh = await call('root', 'PUT', '/api/v1/roles/clinician', { ...body, expectedVersion: 2 });
    expect(fresh.body).toMatchObject({ version: 3, latestVersion: 3 });
    expect((await audit('role.version_created')).map((r) => r.details.version)).toEqual([2, 3]);
  });

  it('rejects roles with unknown references, naming each path, and writes nothing', async () => {
    const before = [await count('role'), await count('role_version')];
    const bad = await call('root', 'POST', '/api/v1/roles', {
      ...role,
      key: 'bad-role',
      owner: 'ghost',
      risk: 'extreme',
      entitlements: [{ system: 'nosys', entitlement: 'x' }, { system: 'ehr', entitlement: 'nope' }],
      approvalPolicy: { steps: [{ kind: 'identity' }, { kind: 'group', group: 'g', members: ['ghost2'] }, { kind: 'boss' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['risk', 'approvalPolicy.steps.2.kind']));
    const refs = await call('root', 'POST', '/api/v1/roles', {
      ...role,
      key: 'bad-role',
      owner: 'ghost',
      entitlements: [{ system: 'nosys', entitlement: 'x' }, { system: 'ehr', entitlement: 'nope' }],
      approvalPolicy: { steps: [{ kind: 'identity' }, { kind: 'group', group: 'g', members: ['ghost2'] }] },
    });
    expect(refs.status).toBe(400);
    expect(refs.body.details).toEqual([
      { path: 'owner', problems: ['unknown identity "ghost"'] },
      { path: 'entitlements.0.system', problems: ['unknown system "nosys"'] },
      { path: 'entitlements.1.entitlement', problems: ['system "ehr" has no entitlement "nope"'] },
      { path: 'approvalPolicy.steps.0.identity', problems: ['is required for an identity step'] },
      { path: 'approvalPolicy.steps.1.members.0', problems: ['unknown identity "ghost2"'] },
    ]);
    expect((await call('root', 'POST', '/api/v1/roles', role)).status).toBe(409);
    expect([await count('role'), await count('role_version')]).toEqual(before);
  });

  it('an entitlement granted by a role cannot be removed from its system', async () => {
    const res = await call('root', 'PUT', '/api/v1/systems/ehr', { ...ehr, key: undefined, entitlements: [{ key: 'order-meds', name: 'x' }] });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/chart-read/);
  });

  it('SoD rules: create, update, retire (history stays), validation', async () => {
    await call('root', 'POST', '/api/v1/roles', { ...role, key: 'pharmacist', name: 'Pharmacist' });
    const rule = { key: 'rx', name: 'Prescribe vs dispense', severity: 'high', action: 'block', sets: [{ roles: ['clinician'], entitlements: [] }, { roles: ['pharmacist'], entitlements: [{ system: 'ehr', entitlement: 'order-meds' }] }] };
    expect((await call('root', 'POST', '/api/v1/sod-rules', rule)).status).toBe(201);
    const bad = await call('root', 'POST', '/api/v1/sod-rules', { ...rule, key: 'rx2', sets: [{ roles: ['ghost-role'], entitlements: [] }, { roles: [], entitlements: [] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      { path: 'sets.0.roles.0', problems: ['unknown role "ghost-role"'] },
      { path: 'sets.1', problems: ['a side needs at least one role or entitlement'] },
    ]);
    expect((await call('root', 'POST', '/api/v1/sod-rules', { ...rule, key: 'rx3', sets: [rule.sets[0]] })).status).toBe(400);
    const put = await call('root', 'PUT', '/api/v1/sod-rules/rx', { ...rule, key: undefined, action: 'require_dual_approval' });
    expect(put.body).toMatchObject({ revision: 2, action: 'require_dual_approval', status: 'active' });
    // An edit begun at revision 1 would undo the change above: refused, nothing written.
    const stale = await call('root', 'PUT', '/api/v1/sod-rules/rx', { ...rule, key: undefined, expectedRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/now at revision 2, not 1/);
    expect((await call('reader', 'GET', '/api/v1/sod-rules/rx')).body).toMatchObject({ revision: 2, action: 'require_dual_approval' });
    const del = await call('root', 'DELETE', '/api/v1/sod-rules/rx');
    expect(del.body).toMatchObject({ status: 'retired' });
    expect((await call('root', 'DELETE', '/api/v1/sod-rules/rx')).status).toBe(409);
    expect((await call('reader', 'GET', '/api/v1/sod-rules')).body.items).toEqual([]);
    expect((await call('reader', 'GET', '/api/v1/sod-rules?status=retired')).body.items.map((r: { key: string }) => r.key)).toEqual(['rx']);
    expect((await call('reader', 'GET', '/api/v1/sod-rules/rx')).body.retiredAt).not.toBeNull();
    expect((await audit('sod_rule.retired')).map((r) => r.subject_id)).toEqual(['rx']);
  });
});
