import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { verifyLedger } from '../libs/audit/chain';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { createOrm, freshDatabase, type TestDatabase } from './support/services';

/** Internal roles managed through the API, each grant and removal in the ledger with the admin named. */
describe('PUT/GET /api/v1/identities/{key}/app-roles', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let owner: PgClient;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db, { BOOTSTRAP_ADMINS: 'first.admin' });
    api = await startApi(auth.config);
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    orm = await createOrm(db.serviceUrl);
    await createIdentity(db, { key: 'E500', username: 'erin', name: 'Erin Admin', roles: ['admin'] });
    await createIdentity(db, { key: 'E501', username: 'frank', name: 'Frank Clerk' });
    await createIdentity(db, { key: 'E502', username: 'gina', status: 'terminated' });
  });

  afterAll(async () => {
    await api?.close();
    await owner?.end();
    await orm?.close(true);
    await auth?.stop();
    await db?.drop();
  });

  async function put(key: string, body: unknown, as = 'erin') {
    const res = await fetch(`${api.url}/api/v1/identities/${key}/app-roles`, {
      method: 'PUT',
      headers: { ...(await auth.authHeader(as)), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function events(subject: string) {
    const { rows } = await owner.query(
      `SELECT actor_type, actor_id, actor_name, action, details FROM audit_event
        WHERE subject_type = 'identity' AND subject_id = $1 AND action LIKE 'app_role.%' ORDER BY seq`,
      [subject],
    );
    return rows;
  }

  it('made the BOOTSTRAP_ADMINS user an identity and an admin at start-up, audited, once', async () => {
    const { rows } = await owner.query(`SELECT key, username FROM identity WHERE username = 'first.admin'`);
    expect(rows).toEqual([{ key: 'first.admin', username: 'first.admin' }]);
    // A second API process starting on the same database changes nothing.
    const second = await startApi(auth.config);
    await second.close();
    const audit = await owner.query(
      `SELECT actor_id, action, details->>'role' AS role FROM audit_event WHERE subject_id = 'first.admin' ORDER BY seq`,
    );
    expect(audit.rows).toEqual([
      { actor_id: 'system:api', action: 'identity.created', role: null },
      { actor_id: 'system:api', action: 'app_role.granted', role: 'admin' },
    ]);
  });

  it('grants a bootstrap admin once when several API processes start together', async () => {
    const config = { ...auth.config, bootstrapAdmins: ['twin.admin'] };
    const apis = await Promise.all([startApi(config), startApi(config), startApi(config)]);
    await Promise.all(apis.map((a) => a.close()));
    const audit = await owner.query(`SELECT action FROM audit_event WHERE subject_id = 'twin.admin' ORDER BY seq`);
    expect(audit.rows.map((r) => r.action)).toEqual(['identity.created', 'app_role.granted']);
  });

  it('grants and removes roles, writing each change to the ledger with the acting admin named', async () => {
    const granted = await put('E501', { roles: ['hr', 'auditor'] });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ identity: 'E501', roles: ['hr', 'auditor'] });
    expect(granted.body.assignments[0]).toMatchObject({ role: 'hr', grantedBy: 'E500' });

    const changed = await put('E501', { roles: ['auditor', 'requester'] });
    expect(changed.body.roles).toEqual(['requester', 'auditor']);

    expect(await events('E501')).toEqual([
      { actor_type: 'identity', actor_id: 'E500', actor_name: 'Erin Admin', action: 'app_role.granted', details: { role: 'hr' } },
      { actor_type: 'identity', actor_id: 'E500', actor_name: 'Erin Admin', action: 'app_role.granted', details: { role: 'auditor' } },
      { actor_type: 'identity', actor_id: 'E500', actor_name: 'Erin Admin', action: 'app_role.granted', details: { role: 'requester' } },
      expect.objectContaining({ actor_id: 'E500', actor_name: 'Erin Admin', action: 'app_role.revoked', details: expect.objectContaining({ role: 'hr', grantedBy: 'E500' }) }),
    ]);

    // The new roles take effect on the next call, without a new token.
    const me = await fetch(`${api.url}/api/v1/me`, { headers: await auth.authHeader('frank') });
    expect(((await me.json()) as any).roles).toEqual(['requester', 'auditor']);

    const read = await fetch(`${api.url}/api/v1/identities/E501/app-roles`, { headers: await auth.authHeader('erin') });
    expect(((await read.json()) as any).roles).toEqual(['requester', 'auditor']);
    expect((await verifyLedger(orm.em.fork())).valid).toBe(true);
  });

  it('writes nothing when the roles do not change', async () => {
    const before = (await events('E501')).length;
    expect((await put('E501', { roles: ['requester', 'auditor', 'auditor'] })).status).toBe(200);
    expect((await events('E501')).length).toBe(before);
  });

  it('answers 400 listing an unknown role, and changes nothing', async () => {
    const res = await put('E501', { roles: ['hr', 'superuser'], extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'roles' }), expect.objectContaining({ path: 'extra' })]),
    );
    const { rows } = await owner.query(`SELECT role FROM app_role_assignment WHERE identity_key = 'E501' ORDER BY role`);
    expect(rows.map((r) => r.role)).toEqual(['auditor', 'requester']);
  });

  it('answers 404 for an unknown identity and 409 for granting to a terminated one', async () => {
    expect((await put('NOPE', { roles: ['hr'] })).status).toBe(404);
    expect((await put('E502', { roles: ['hr'] })).status).toBe(409);
  });

  it('answers 403 to a caller who is not an admin', async () => {
    const res = await put('E501', { roles: ['admin'] }, 'frank');
    expect(res.status).toBe(403);
    expect(await events('E501')).not.toContainEqual(expect.objectContaining({ details: { role: 'admin' } }));
  });

  it('refuses to remove the last admin', async () => {
    await owner.query(`DELETE FROM app_role_assignment WHERE role = 'admin' AND identity_key <> 'E500'`);
    const res = await put('E500', { roles: [] });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/last admin/);
  });

});
