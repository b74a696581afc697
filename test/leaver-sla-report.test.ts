import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { seedSystems } from './support/leaver-fixtures';
import { createOrm, freshDatabase, type TestDatabase } from './support/services';

const HOUR = 3600_000;

/**
 * GET /api/v1/reports/leaver-sla over real HTTP: one line per leaver request and system, met /
 * breached / pending as the workflow's close computes it, escalations from the ledger, filters,
 * keyset pages, and the auditor/admin policy.
 */
describe('leaver SLA report', () => {
  let db: TestDatabase;
  let owner: PgClient;
  let orm: MikroORM;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  const t0 = Date.parse('2026-11-02T09:00:00Z');
  const req = { a: randomUUID(), b: randomUUID(), c: randomUUID() };
  const task = { aMet: randomUUID(), aLate: randomUUID(), bOpenLate: randomUUID(), cPending: randomUUID(), joiner: randomUUID() };

  beforeAll(async () => {
    db = await freshDatabase();
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    auth = await startAuthHarness(db);
    await createIdentity(db, { key: 'aud1', roles: ['auditor'] });
    await createIdentity(db, { key: 'adm1', roles: ['admin'] });
    await createIdentity(db, { key: 'hr1', roles: ['hr'] });
    for (const k of ['LA', 'LB', 'LC']) await createIdentity(db, { key: k, status: 'terminated' });
    await seedSystems(owner, [
      { key: 'ehr', channel: 'webhook', target: 'http://127.0.0.1:9/x', slaHours: 8, owners: ['aud1'] },
      { key: 'vpn', channel: 'queue', target: null, slaHours: 4, owners: ['aud1'] },
    ]);
    const leaver = async (id: string, identity: string, effectiveAt: number, status: string, reason: string) =>
      owner.query(
        `INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id, effective_at, changes)
         VALUES ($1, 'leaver', $2, $3, 'client', 'hr-system', 'HR', $4, $5, $6)`,
        [id, status, identity, `leaver-${identity}-${id}`, new Date(effectiveAt), JSON.stringify({ reason, urgent: reason === 'for_cause' })]);
    const addTask = async (id: string, requestId: string, identity: string, system: string, dueAt: number, done: number | null, kind = 'revoke') =>
      owner.query(
        `INSERT INTO task (id, request_id, workflow_id, identity_key, system_key, action, due_at, channel, status, completed_at, completed_by, completed_by_name, delivered_at)
         VALUES ($1, $2, 'wf', $3, $4, $5, $6, 'queue', $7, $8, $9, $10, $11)`,
        [id, requestId, identity, system, kind, new Date(dueAt), done ? 'done' : 'open', done ? new Date(done) : null, done ? 'aud1' : null, done ? 'Owner Aud' : null, new Date(dueAt - 7 * HOUR)]);
    await leaver(req.a, 'LA', t0, 'completed', 'voluntary');
    await addTask(task.aMet, req.a, 'LA', 'ehr', t0 + 8 * HOUR, t0 + HOUR);
    await addTask(task.aLate, req.a, 'LA', 'vpn', t0 + 4 * HOUR, t0 + 6 * HOUR);
    await leaver(req.b, 'LB', t0 + HOUR, 'deprovisioning', 'for_cause');
    await addTask(task.bOpenLate, req.b, 'LB', 'vpn', t0 + 5 * HOUR, null);
    await leaver(req.c, 'LC', Date.now(), 'deprovisioning', 'involuntary');
    await addTask(task.cPending, req.c, 'LC', 'ehr', Date.now() + 8 * HOUR, null);
    const joiner = randomUUID();
    await owner.query(`INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id)
                       VALUES ($1, 'joiner', 'provisioning', 'LA', 'identity', 'hr1', 'HR', $2)`, [joiner, `joiner-${joiner}`]);
    await addTask(task.joiner, joiner, 'LA', 'ehr', t0, null, 'grant');
    orm = await createOrm(db.serviceUrl);
    await orm.em.fork().transactional(async (tx) => {
      for (const [level, step] of [[1, 'reminder'], [2, 'owners_manager']] as const) {
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.worker, action: 'task.escalated', subject: { type: 'task', id: task.bOpenLate }, requestId: req.b,
          details: { level, step, recipients: [`r${level}`], system: 'vpn' }, idempotencyKey: `task:${task.bOpenLate}:escalated:${level}`,
        });
      }
    });
    api = await startApi(auth.config);
  });

  afterAll(async () => {
    await api?.close();
    await auth?.stop();
    await orm?.close(true);
    await owner?.end();
    await db?.drop();
  });

  const get = async (query: string, as = 'aud1') => {
    const res = await fetch(`${api.url}/api/v1/reports/leaver-sla${query}`, { headers: await auth.authHeader(as) });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };

  it('one line per leaver and system: met, breached (late or still open past due), pending, with escalations', async () => {
    const r = await get('');
    expect(r.status).toBe(200);
    expect(r.json.nextCursor).toBeNull();
    expect(r.json.items.map((i: any) => [i.requestId, i.system, i.sla])).toEqual([
      [req.a, 'ehr', 'met'], [req.a, 'vpn', 'breached'], [req.b, 'vpn', 'breached'], [req.c, 'ehr', 'pending'],
    ]);
    const [met, late, open] = r.json.items;
    expect(met).toMatchObject({
      identity: 'LA', reason: 'voluntary', effectiveAt: new Date(t0).toISOString(), dueAt: new Date(t0 + 8 * HOUR).toISOString(),
      completedAt: new Date(t0 + HOUR).toISOString(), completedBy: 'Owner Aud', taskStatus: 'done', lateByMs: 0, escalations: [], requestStatus: 'completed',
    });
    expect(late.lateByMs).toBe(2 * HOUR);
    expect(open).toMatchObject({ reason: 'for_cause', taskStatus: 'open', completedAt: null });
    expect(open.lateByMs).toBeGreaterThan(0);
    expect(open.escalations.map((e: any) => [e.level, e.step, e.recipients])).toEqual([[1, 'reminder', ['r1']], [2, 'owners_manager', ['r2']]]);
  });

  it('filters by outcome, system, identity and effective time', async () => {
    const ids = async (q: string) => (await get(q)).json.items.map((i: any) => i.taskId);
    expect(await ids('?sla=breached')).toEqual([task.aLate, task.bOpenLate]);
    expect(await ids('?sla=pending')).toEqual([task.cPending]);
    expect(await ids('?system=ehr')).toEqual([task.aMet, task.cPending]);
    expect(await ids('?identity=LB')).toEqual([task.bOpenLate]);
    expect(await ids(`?from=${encodeURIComponent(new Date(t0 + HOUR).toISOString())}&to=${encodeURIComponent(new Date(t0 + 2 * HOUR).toISOString())}`)).toEqual([task.bOpenLate]);
  });

  it('pages with an opaque cursor, and refuses bad input with 400', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; json: Record<string, any> } = await get(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.json.items.map((i: any) => i.taskId));
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([task.aMet, task.aLate, task.bOpenLate, task.cPending]);
    expect((await get('?cursor=nonsense')).status).toBe(400);
    expect((await get(`?cursor=${Buffer.from('k:x|y|z').toString('base64url')}`)).status).toBe(400);
    expect((await get('?sla=late')).status).toBe(400);
    expect((await get('?limit=501')).status).toBe(400);
    expect((await get('?from=2026-11-02T09:00:00')).status).toBe(400);
  });

  it('is for auditors and admins only', async () => {
    expect((await get('', 'adm1')).status).toBe(200);
    expect((await get('', 'hr1')).status).toBe(403);
    expect((await fetch(`${api.url}/api/v1/reports/leaver-sla`)).status).toBe(401);
  });
});
