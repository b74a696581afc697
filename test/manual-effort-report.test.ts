import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';
import { seedSystem } from './requests-fixture';

/**
 * Issue 14 item 3 against a fixture of known task times: counts, median and p95 time to attest,
 * overdue, escalations (from the ledger), effort and cost with per-system and default assumptions,
 * yearly projection and ranking; JSON and CSV; assumptions edited through PUT /systems/{key}.
 */
describe('manual-effort report', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let pg: PgClient;
  const T0 = Date.parse('2026-10-01T00:00:00Z');
  const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
  const FROM = '2026-09-30T00:00:00Z';
  const TO = '2026-10-02T00:00:00Z'; // two days: yearly = x 182.5

  const call = async (method: string, path: string, body?: unknown, who = 'adm') => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await auth.authHeader(who)) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };

  async function task(system: string, action: 'grant' | 'revoke', createdH: number, doneAfterH: number | null, dueAfterH: number, status?: string): Promise<string> {
    const id = randomUUID();
    // One task per request, system and action: each fixture task gets its own (closed) request.
    const requestId = randomUUID();
    await pg.query(
      `INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id) VALUES ($1, 'joiner', 'completed', 'sub', 'identity', 'req', 'req', $2)`,
      [requestId, `wf-${requestId}`],
    );
    await pg.query(
      `INSERT INTO task (id, request_id, workflow_id, identity_key, system_key, action, entitlements, status, due_at, channel, completed_at, completed_by, created_at)
       VALUES ($1, $2, 'wf-fixture', 'sub', $3, $4, '["x"]', $5, $6, $7, $8, $9, $10)`,
      [id, requestId, system, action, status ?? (doneAfterH === null ? 'open' : 'done'), at(createdH + dueAfterH), system === 'ehr' ? 'queue' : 'webhook',
        doneAfterH === null ? null : at(createdH + doneAfterH), doneAfterH === null ? null : 'own', at(createdH)],
    );
    return id;
  }
  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    pg = new PgClient({ connectionString: db.ownerUrl });
    await pg.connect();
    for (const key of ['adm', 'aud', 'sub', 'own', 'req']) await createIdentity(db, { key, roles: key === 'adm' ? ['admin'] : key === 'aud' ? ['auditor'] : key === 'req' ? ['requester'] : [] });
    await seedSystem(pg, 'ehr', ['own'], ['x']);
    await seedSystem(pg, 'lab', ['own'], ['x']);
    // ehr: four grants attested after 1, 2, 3 and 4 hours, due after 2.5 (two late); one revoke
    // still open long past due; one cancelled task (no effort).
    const escalated = await task('ehr', 'grant', 1, 1, 2.5);
    await task('ehr', 'grant', 2, 2, 2.5);
    await task('ehr', 'grant', 3, 3, 2.5);
    await task('ehr', 'grant', 4, 4, 2.5);
    await task('ehr', 'revoke', 5, null, 1);
    await task('ehr', 'grant', 6, null, 1, 'cancelled');
    // lab: two grants of 30 minutes, on time; one task outside the period.
    await task('lab', 'grant', 1, 0.5, 8);
    await task('lab', 'grant', 2, 0.5, 8);
    await task('lab', 'grant', 100, 0.5, 8);
    const svc = new PgClient({ connectionString: db.serviceUrl });
    await svc.connect();
    for (const level of [1, 2]) {
      await svc.query(
        `INSERT INTO audit_event (actor_type, actor_id, actor_name, action, subject_type, subject_id, details, idempotency_key, seq, occurred_at, prev_hash, hash)
         VALUES ('system', 'system:worker', 'worker', 'task.escalated', 'task', $1, '{}', $2, 0, now(), '', '')`,
        [escalated, `esc:${escalated}:${level}`],
      );
    }
    await svc.end();
  });

  afterAll(async () => {
    await pg?.end();
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  it('measures and prices each system, states the defaults, projects a year and ranks', async () => {
    const put = await call('PUT', '/api/v1/systems/ehr', { name: 'EHR', owners: ['own'], channel: 'queue', entitlements: [{ key: 'x', name: 'x' }], manualEffort: { minutesPerTask: 30, hourlyCost: 100 } });
    expect(put.status).toBe(200);
    expect(put.body.manualEffort).toEqual({ minutesPerTask: 30, hourlyCost: 100 });
    const r = await call('GET', `/api/v1/reports/manual-effort?from=${FROM}&to=${TO}`, undefined, 'aud');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ periodDays: 2, currency: 'USD', defaults: { minutesPerTask: 10, hourlyCost: 60, currency: 'USD' } });
    expect(r.body.defaults.source).toMatch(/MANUAL_TASK_MINUTES/);
    expect(r.body.items).toEqual([
      {
        rank: 1, system: 'ehr', systemName: 'EHR', channel: 'queue',
        tasks: { grant: 4, revoke: 1, total: 5, cancelled: 1, open: 1 },
        hoursToAttest: { median: 2.5, p95: 3.85, attested: 4 },
        overdue: 3, escalations: 2,
        assumptions: { minutesPerTask: 30, hourlyCost: 100, source: 'system' },
        effort: { hours: 2.5, cost: 250 },
        yearly: { tasks: 912.5, hours: 456.25, cost: 45625 },
      },
      {
        rank: 2, system: 'lab', systemName: 'LAB', channel: 'webhook',
        tasks: { grant: 2, revoke: 0, total: 2, cancelled: 0, open: 0 },
        hoursToAttest: { median: 0.5, p95: 0.5, attested: 2 },
        overdue: 0, escalations: 0,
        assumptions: { minutesPerTask: 10, hourlyCost: 60, source: 'default' },
        effort: { hours: 0.33, cost: 20 },
        yearly: { tasks: 365, hours: 60.83, cost: 3650 },
      },
    ]);
    expect(r.body.totals).toMatchObject({ tasks: 7, cost: 270, yearly: { cost: 49275 } });
  });

  it('answers CSV, one system on request, and keeps or resets the assumptions by PUT', async () => {
    const csv = await call('GET', `/api/v1/reports/manual-effort?from=${FROM}&to=${TO}&format=csv`, undefined, 'aud');
    expect(csv.type).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^rank,system,systemName,channel,grantTasks,revokeTasks,tasks,/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1,ehr,EHR,queue,4,1,5,4,2.5,3.85,3,2,30,100,system,2.5,250,912.5,456.25,45625,USD$/);
    const one = await call('GET', `/api/v1/reports/manual-effort?from=${FROM}&to=${TO}&system=lab`, undefined, 'aud');
    expect(one.body.items.map((i: { system: string }) => i.system)).toEqual(['lab']);

    const body = { name: 'EHR', owners: ['own'], channel: 'queue', entitlements: [{ key: 'x', name: 'x' }] };
    expect((await call('PUT', '/api/v1/systems/ehr', body)).body.manualEffort).toEqual({ minutesPerTask: 30, hourlyCost: 100 });
    expect((await call('PUT', '/api/v1/systems/ehr', { ...body, manualEffort: { minutesPerTask: null } })).body.manualEffort).toEqual({ minutesPerTask: null, hourlyCost: null });
    const after = await call('GET', `/api/v1/reports/manual-effort?from=${FROM}&to=${TO}&system=ehr`, undefined, 'aud');
    expect(after.body.items[0].assumptions).toEqual({ minutesPerTask: 10, hourlyCost: 60, source: 'default' });
  });

  it('refuses bad input with 400 naming the field, and is for auditors and admins', async () => {
    const bad = await call('PUT', '/api/v1/systems/lab', { name: 'LAB', owners: ['own'], channel: 'webhook', entitlements: [{ key: 'x', name: 'x' }], manualEffort: { minutesPerTask: -1, hourlyCost: 'lots' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['manualEffort.hourlyCost', 'manualEffort.minutesPerTask']);
    expect((await call('GET', `/api/v1/reports/manual-effort?from=${TO}&to=${FROM}`, undefined, 'aud')).status).toBe(400);
    expect((await call('GET', '/api/v1/reports/manual-effort?from=soon', undefined, 'aud')).status).toBe(400);
    expect((await call('GET', '/api/v1/reports/manual-effort?format=xml', undefined, 'aud')).status).toBe(400);
    expect((await call('GET', '/api/v1/reports/manual-effort', undefined, 'req')).status).toBe(403);
  });
});
