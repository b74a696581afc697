import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { grantAccess } from '../libs/access/access-writer';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { createOrm, freshDatabase, type TestDatabase } from './support/services';

/** Identities over HTTP: CRUD, validation, manager cycles, and "who has access to what, and why". */
describe('identities API', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: { url: string; close(): Promise<void> };
  let pg: PgClient;
  let orm: MikroORM;

  async function call(user: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await auth.authHeader(user)) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }
  const rows = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows;

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    pg = new PgClient({ connectionString: db.ownerUrl });
    await pg.connect();
    orm = await createOrm(db.serviceUrl);
    await createIdentity(db, { key: 'A1', username: 'root', roles: ['admin'] });
    await createIdentity(db, { key: 'H1', username: 'hr', roles: ['hr'] });
    await createIdentity(db, { key: 'Q1', username: 'req', roles: ['requester'] });
    await createIdentity(db, { key: 'U1', username: 'aud', roles: ['auditor'] });
  });

  afterAll(async () => {
    await orm?.close(true);
    await pg?.end();
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  const person = { key: 'E100', username: 'jdoe', email: 'jdoe@example.test', name: 'Jane Doe', department: 'Nursing', title: 'RN', manager: 'H1', startDate: '2026-01-05' };

  it('hr creates an identity; anyone signed in reads and lists it; the write is audited', async () => {
    const created = await call('hr', 'POST', '/api/v1/identities', person);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...person, status: 'active', endDate: null, access: [] });
    expect((await call('req', 'GET', '/api/v1/identities/E100')).body).toMatchObject({ key: 'E100', manager: 'H1' });
    const list = await call('req', 'GET', '/api/v1/identities?department=Nursing');
    expect(list.body).toEqual({ items: [expect.objectContaining({ key: 'E100' })], nextCursor: null });
    expect((await call('req', 'GET', '/api/v1/identities?q=JDOE')).body.items).toHaveLength(1);
    expect(await rows(`SELECT actor_id, subject_id FROM audit_event WHERE action = 'identity.created'`)).toEqual([{ actor_id: 'H1', subject_id: 'E100' }]);
  });

  it('rejects bad input with every problem named, duplicates with 409, non-hr with 403; nothing is written', async () => {
    const before = await rows(`SELECT (SELECT count(*) FROM identity)::int AS i, (SELECT count(*) FROM audit_event)::int AS a`);
    const bad = await call('hr', 'POST', '/api/v1/identities', { key: '', username: 42, email: 'not-mail', name: '', status: 'gone', startDate: '05/01/2026', manager: 'GHOST' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['key', 'username', 'email', 'name', 'status', 'startDate']));
    const unknownManager = await call('hr', 'POST', '/api/v1/identities', { ...person, key: 'E101', username: 'x1', email: 'x1@example.test', manager: 'GHOST' });
    expect(unknownManager.status).toBe(400);
    expect(unknownManager.body.details).toEqual([{ path: 'manager', problems: ['unknown identity "GHOST"'] }]);
    expect((await call('hr', 'POST', '/api/v1/identities', person)).status).toBe(409);
    const dupUser = await call('hr', 'POST', '/api/v1/identities', { ...person, key: 'E102', username: 'JDOE', email: 'other@example.test' });
    expect(dupUser.status).toBe(409);
    expect(dupUser.body.details).toEqual([{ path: 'username', problems: ['already used by identity "E100"'] }]);
    expect((await call('req', 'POST', '/api/v1/identities', { ...person, key: 'E103', username: 'x3', email: null })).status).toBe(403);
    expect((await call('req', 'GET', '/api/v1/identities/NOPE')).status).toBe(404);
    expect(await rows(`SELECT (SELECT count(*) FROM identity)::int AS i, (SELECT count(*) FROM audit_event)::int AS a`)).toEqual(before);
  });

  it('refuses a manager change that would close a loop in the chain', async () => {
    await call('hr', 'POST', '/api/v1/identities', { key: 'E200', username: 'boss', name: 'Boss' });
    await call('hr', 'POST', '/api/v1/identities', { key: 'E201', username: 'mid', name: 'Mid', manager: 'E200' });
    await call('hr', 'POST', '/api/v1/identities', { key: 'E202', username: 'low', name: 'Low', manager: 'E201' });
    const res = await call('hr', 'PUT', '/api/v1/identities/E200', { username: 'boss', name: 'Boss', manager: 'E202' });
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toEqual({ path: 'manager', problems: ['would make a cycle in the manager chain: E200 -> E202 -> E201 -> E200'] });
    expect((await call('hr', 'PUT', '/api/v1/identities/E200', { username: 'boss', name: 'Boss', manager: 'E200' })).status).toBe(400);
    expect((await rows(`SELECT manager FROM identity WHERE key = 'E200'`))[0].manager).toBeNull();
    const ok = await call('hr', 'PUT', '/api/v1/identities/E202', { username: 'low', name: 'Low', title: 'Analyst', manager: 'E200' });
    expect(ok.body).toMatchObject({ manager: 'E200', title: 'Analyst' });
  });

  it('explains each assignment: the granting request, its approvers and dates, or the import batch', async () => {
    const bundle = {
      systems: [
        { key: 'ehr', name: 'EHR', owners: ['A1'], channel: 'queue', target: null, entitlements: [{ key: 'read', name: 'Read' }, { key: 'write', name: 'Write' }] },
        { key: 'pacs', name: 'PACS', owners: ['A1'], channel: 'queue', target: null, entitlements: [{ key: 'view', name: 'View' }] },
      ],
      roles: [
        { key: 'nurse', name: 'Nurse', owner: 'A1', risk: 'low', entitlements: [{ system: 'ehr', entitlement: 'read' }, { system: 'pacs', entitlement: 'view' }], approvalPolicy: { steps: [{ kind: 'manager' }] } },
        { key: 'charting', name: 'Charting', owner: 'A1', risk: 'low', entitlements: [{ system: 'ehr', entitlement: 'write' }], approvalPolicy: { steps: [{ kind: 'manager' }] } },
        { key: 'billing', name: 'Billing', owner: 'A1', risk: 'low', entitlements: [{ system: 'ehr', entitlement: 'read' }], approvalPolicy: { steps: [{ kind: 'manager' }] } },
      ],
      sodRules: [{ key: 'chart-bill', name: 'Chart and bill', severity: 'high', action: 'block', sets: [{ roles: ['charting'], entitlements: [] }, { roles: ['billing'], entitlements: [] }] }],
      access: [{ identity: 'E100', role: 'nurse', grantedAt: '2025-02-03T08:00:00Z' }, { identity: 'E100', role: 'billing' }],
    };
    const imported = await call('root', 'POST', '/api/v1/catalog/import', bundle);
    expect(imported.status).toBe(200);
    const requestId = randomUUID();
    await pg.query(
      `INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id)
       VALUES ($1, 'mover', 'completed', 'E100', 'identity', 'H1', 'hr', $2)`,
      [requestId, `mover-${requestId}`],
    );
    await orm.em.fork().transactional((tx) =>
      grantAccess(tx, 'E100', [{ role: 'charting', version: 1 }], {
        actor: { type: 'system', id: 'test', name: 'test' }, requestId, workflowId: `mover-${requestId}`, approvedBy: ['H1', 'A1'], approvedAt: '2026-02-01T10:00:00Z',
        tasks: [{ taskId: 'task-1', system: 'ehr', attestedBy: 'O1' }], reason: 'mover', idempotencyKey: `test:${requestId}:granted`, at: '2026-02-01T12:00:00Z',
      }),
    );
    const got = await call('req', 'GET', '/api/v1/identities/E100');
    expect(got.body.access).toEqual([
      expect.objectContaining({ role: 'nurse', roleVersion: 1, system: 'ehr', entitlements: ['read'], provenance: 'imported', requestId: null, importBatchId: imported.body.batchId, grantedAt: '2025-02-03T08:00:00.000Z' }),
      expect.objectContaining({ role: 'nurse', system: 'pacs', entitlements: ['view'], provenance: 'imported' }),
      expect.objectContaining({
        role: 'charting', roleVersion: 1, system: 'ehr', entitlements: ['write'], provenance: 'request', requestId,
        approvedBy: ['H1', 'A1'], approvedAt: '2026-02-01T10:00:00.000Z', taskIds: ['task-1'], grantedAt: '2026-02-01T12:00:00.000Z', importBatchId: null,
      }),
      // Granted at import time (no grantedAt in the bundle): the newest.
      expect.objectContaining({ role: 'billing', system: 'ehr', provenance: 'imported' }),
    ]);

    const report = await call('aud', 'GET', '/api/v1/reports/access?identity=E100&system=pacs');
    expect(report.body.items).toEqual([expect.objectContaining({ identity: 'E100', role: 'nurse', entitlements: [{ system: 'pacs', entitlement: 'view' }], provenance: 'imported' })]);
    const sod = await call('aud', 'GET', '/api/v1/reports/sod');
    expect(sod.body).toMatchObject({ rulesEvaluated: 1, identitiesInConflict: 1, items: [{ identity: 'E100', findings: [{ rule: 'chart-bill', action: 'block' }] }] });
    expect((await call('req', 'GET', '/api/v1/reports/sod')).status).toBe(403);
  });
});
