import { Client as PgClient } from 'pg';
import { demoOrganisation } from '../libs/seed';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

/** Catalog import and export over HTTP: dry run, all-or-nothing with row numbers, idempotence, round trip. */
describe('catalog import and export', () => {
  const dbs: TestDatabase[] = [];
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: { url: string; close(): Promise<void> };
  let pg: PgClient;

  async function call(method: string, path: string, body?: unknown, url = api.url, user = 'root') {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await auth.authHeader(user)) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  }
  const TABLES = ['identity', 'target_system', 'entitlement', 'role', 'role_version', 'sod_rule', 'access_assignment', 'import_batch', 'audit_event'];
  async function snapshot(client = pg) {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = (await client.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
    return out;
  }

  beforeAll(async () => {
    db = await freshDatabase();
    dbs.push(db);
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    pg = new PgClient({ connectionString: db.ownerUrl });
    await pg.connect();
    await createIdentity(db, { key: 'root', username: 'root', name: 'Root Admin', roles: ['admin'] });
  });

  afterAll(async () => {
    await pg?.end();
    await api?.close();
    await auth?.stop();
    for (const d of dbs) await d.drop();
  });

  type Row = Record<string, unknown>;
  const small = (): { version: number; systems: Row[]; roles: Row[]; sodRules: Row[]; identities: Row[]; access: Row[] } => ({
    version: 1,
    systems: [{ key: 'ehr', name: 'EHR', owners: ['P1'], channel: 'queue', target: null, deprovisionSlaHours: 4, entitlements: [{ key: 'read', name: 'Read' }] }],
    roles: [{ key: 'reader', name: 'Reader', owner: 'P1', risk: 'low', entitlements: [{ system: 'ehr', entitlement: 'read' }], approvalPolicy: { steps: [{ kind: 'manager' }] } }],
    sodRules: [],
    identities: [
      { key: 'P1', username: 'p1', name: 'Pat One', department: 'IT' },
      { key: 'P2', username: 'p2', name: 'Pat Two', manager: 'P1' },
      { key: 'P3', username: 'p3', name: 'Pat Three', manager: 'P2' },
    ],
    access: [{ identity: 'P2', role: 'reader', grantedAt: '2024-05-01T09:00:00Z' }],
  });

  it('a dry run reports what would change and writes nothing', async () => {
    const before = await snapshot();
    const res = await call('POST', '/api/v1/catalog/import?dryRun=true', small());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, applied: false, unchanged: false, batchId: null });
    expect(res.body.counts).toMatchObject({ identities: { created: 3 }, systems: { created: 1 }, roles: { created: 1 }, access: { created: 1 } });
    expect(await snapshot()).toEqual(before);
  });

  it('a POST without a body (no content type) is a 400 that writes nothing, dry run or not (found by schemathesis)', async () => {
    const before = await snapshot();
    for (const path of ['/api/v1/catalog/import?dryRun=true', '/api/v1/catalog/import']) {
      const res = await fetch(`${api.url}${path}`, { method: 'POST', headers: await auth.authHeader('root') });
      expect(res.status).toBe(400);
      expect(JSON.stringify(((await res.json()) as { details: unknown }).details)).toMatch(/the body must be a JSON object/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('one bad row rejects the whole bundle, naming its entity, row and field', async () => {
    const before = await snapshot();
    const bundle = small();
    bundle.identities[2] = { ...bundle.identities[2], manager: 'NOBODY' };
    bundle.roles[0].risk = 'extreme';
    const res = await call('POST', '/api/v1/catalog/import', bundle);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { entity: 'roles', row: 1, path: 'risk', problems: [expect.stringMatching(/risk must be one of/)] },
      { entity: 'identities', row: 3, path: 'manager', problems: ['unknown identity "NOBODY"'] },
    ]);
    expect(res.body.message).toMatch(/nothing was written/);
    expect(await snapshot()).toEqual(before);
  });

  it('rejects a cycle in the manager chain, naming every row on it', async () => {
    const bundle = small();
    bundle.identities[0] = { ...bundle.identities[0], manager: 'P3' };
    const res = await call('POST', '/api/v1/catalog/import', bundle);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { row: number; path: string }) => [d.row, d.path])).toEqual([[1, 'manager'], [2, 'manager'], [3, 'manager']]);
    expect(res.body.details[0].problems[0]).toMatch(/cycle in the manager chain: P1 -> P3 -> P2 -> P1/);
  });

  it('applies all of it with one audit event; the same bundle again changes nothing and says so', async () => {
    const first = await call('POST', '/api/v1/catalog/import', small());
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ applied: true, unchanged: false });
    const after = await snapshot();
    const again = await call('POST', '/api/v1/catalog/import', small());
    expect(again.body).toMatchObject({ applied: false, unchanged: true, batchId: null });
    expect(again.body.counts.identities).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await snapshot()).toEqual(after);
    const events = (await pg.query(`SELECT actor_id, subject_id, details FROM audit_event WHERE action = 'catalog.imported'`)).rows;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: 'root', subject_id: first.body.batchId, details: { counts: { access: { created: 1 } } } });
    const assignment = (await pg.query(`SELECT provenance, import_batch_id, granted_at FROM access_assignment WHERE identity_key = 'P2'`)).rows[0];
    expect(assignment).toMatchObject({ provenance: 'imported', import_batch_id: first.body.batchId });
    expect(assignment.granted_at.toISOString()).toBe('2024-05-01T09:00:00.000Z');
  });

  it('a changed role in a bundle becomes a new version; CSV rows are numbered by line', async () => {
    const bundle = small();
    bundle.roles[0].name = 'Chart reader';
    const res = await call('POST', '/api/v1/catalog/import', bundle);
    expect(res.body.counts.roles).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect((await pg.query(`SELECT latest_version FROM role WHERE key = 'reader'`)).rows[0].latest_version).toBe(2);

    const csv = {
      csv: {
        identities: 'key,username,name,manager\r\nP4,p4,Pat Four,P1\r\nP5,p5,Pat Five,GHOST\r\n',
        access: 'identity,role\nP4,reader\nP4,no-such-role\n',
      },
    };
    const bad = await call('POST', '/api/v1/catalog/import', csv);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      { entity: 'identities', row: 3, path: 'manager', problems: ['unknown identity "GHOST"'] },
      { entity: 'access', row: 3, path: 'role', problems: ['unknown role "no-such-role"'] },
    ]);
  });

  it('imports the demo organisation, exports it, and the export round-trips (JSON and CSV)', async () => {
    const seeded = await call('POST', '/api/v1/catalog/import', demoOrganisation());
    expect(seeded.status).toBe(200);
    expect(seeded.body.counts.identities.created).toBe(200);
    const exported = await call('GET', '/api/v1/catalog/export?format=json');
    expect(exported.body).toMatchObject({ format: 'jml.catalog/v1', version: 1 });
    expect(exported.body.systems.map((s: { key: string }) => s.key)).toEqual([...exported.body.systems.map((s: { key: string }) => s.key)].sort());

    // Into the same database: nothing to do.
    expect((await call('POST', '/api/v1/catalog/import', exported.body)).body).toMatchObject({ applied: false, unchanged: true });

    // Into a fresh database: the same catalog comes out again, from JSON and from CSV.
    for (const format of ['json', 'csv'] as const) {
      const other = await freshDatabase();
      dbs.push(other);
      await createIdentity(other, { key: 'root', username: 'root', name: 'Root Admin', roles: ['admin'] });
      const otherAuth = await startAuthHarness(other);
      const otherApi = await startApi(otherAuth.config);
      try {
        const body = format === 'json' ? exported.body : { csv: (await call('GET', '/api/v1/catalog/export?format=csv')).body.csv };
        const res = await fetch(`${otherApi.url}/api/v1/catalog/import`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await otherAuth.authHeader('root')) }, body: JSON.stringify(body) });
        expect({ format, status: res.status, body: res.status === 200 ? null : await res.json() }).toEqual({ format, status: 200, body: null });
        const again = (await (await fetch(`${otherApi.url}/api/v1/catalog/export`, { headers: await otherAuth.authHeader('root') })).json()) as Record<string, unknown>;
        // Version numbers are the source's local history (the export carries each role's current content).
        const strip = (b: Record<string, unknown>) => ({ ...b, exportedAt: undefined, roles: (b.roles as Record<string, unknown>[]).map((r) => ({ ...r, version: undefined })), access: (b.access as Record<string, unknown>[]).map((a) => ({ ...a, provenance: undefined, requestId: undefined, approvedBy: undefined, approvedAt: undefined })) });
        expect(strip(again)).toEqual(strip(exported.body));
      } finally {
        await otherApi.close();
        await otherAuth.stop();
      }
    }
    const one = await call('GET', '/api/v1/catalog/export?format=csv&entity=systems');
    expect(one.status).toBe(200);
    expect(String(one.body).split('\r\n')[0]).toBe('key,name,owners,channel,target,deprovisionSlaHours');
  });

  it('only admins import and export', async () => {
    await createIdentity(db, { key: 'aud', username: 'aud', roles: ['auditor'] });
    expect((await call('POST', '/api/v1/catalog/import?dryRun=true', small(), api.url, 'aud')).status).toBe(403);
    expect((await call('GET', '/api/v1/catalog/export', undefined, api.url, 'aud')).status).toBe(403);
  });
});
