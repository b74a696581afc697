import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { recordAuditEvent } from '../libs/audit/ledger';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { createOrm, freshDatabase, type TestDatabase } from './support/services';

/** The ledger over HTTP: auditors query, export with the chain proof, and verify. */
describe('audit API', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let orm: MikroORM;
  const requestId = `req-${randomUUID()}`;

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    orm = await createOrm(db.serviceUrl);
    await createIdentity(db, { key: 'aud1', username: 'audrey', roles: ['auditor'] });
    await createIdentity(db, { key: 'req1', username: 'rick', roles: ['requester'] });
    await orm.em.fork().transactional(async (tx) => {
      for (let i = 0; i < 7; i++) {
        await recordAuditEvent(tx, {
          actor: { type: 'identity', id: 'req1', name: 'Rick, "the requester"' },
          action: i % 2 ? 'approval.decided' : 'request.created',
          subject: { type: 'request', id: requestId },
          requestId,
          details: { i, note: 'line1\nline2, with comma' },
          idempotencyKey: `${requestId}:${i}`,
        });
      }
    });
  });

  afterAll(async () => {
    await api?.close();
    await auth?.stop();
    await orm?.close(true);
    await db?.drop();
  });

  const get = async (path: string, username?: string) => {
    const res = await fetch(`${api.url}${path}`, { headers: username ? await auth.authHeader(username) : {} });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  };

  it('pages through the rows of one request, oldest first', async () => {
    const first = await get(`/api/v1/audit?requestId=${requestId}&limit=5`, 'audrey');
    expect(first.status).toBe(200);
    const page1 = JSON.parse(first.text);
    expect(page1.items).toHaveLength(5);
    expect(page1.items.map((r: { details: { i: number } }) => r.details.i)).toEqual([0, 1, 2, 3, 4]);
    expect(page1.items[0]).toMatchObject({ actor: { id: 'req1' }, subject: { type: 'request', id: requestId }, requestId });
    const page2 = JSON.parse((await get(`/api/v1/audit?requestId=${requestId}&limit=5&cursor=${page1.nextCursor}`, 'audrey')).text);
    expect(page2.items.map((r: { details: { i: number } }) => r.details.i)).toEqual([5, 6]);
    expect(page2.nextCursor).toBeNull();
    const decided = JSON.parse((await get(`/api/v1/audit?requestId=${requestId}&action=approval.decided`, 'audrey')).text);
    expect(decided.items).toHaveLength(3);
  });

  it('refuses bad filters with every problem named', async () => {
    const res = await get('/api/v1/audit?from=yesterday&limit=0&action=DROP%20TABLE', 'audrey');
    expect(res.status).toBe(400);
    const paths = JSON.parse(res.text).details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['action', 'from', 'limit']);
  });

  it('is for auditors and admins only', async () => {
    expect((await get('/api/v1/audit', 'rick')).status).toBe(403);
    expect((await get('/api/v1/audit/verify')).status).toBe(401);
  });

  it('exports JSON lines and CSV with the chain proof', async () => {
    const jsonl = await get(`/api/v1/audit/export?requestId=${requestId}`, 'audrey');
    expect(jsonl.status).toBe(200);
    const lines = jsonl.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(8);
    expect(lines[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[7].proof).toMatchObject({ rowsExported: 7, chainHead: { hash: lines[6].hash } });

    const csv = await get(`/api/v1/audit/export?requestId=${requestId}&format=csv`, 'audrey');
    expect(csv.type).toMatch(/text\/csv/);
    expect(csv.text.split('\n')[0]).toMatch(/^seq,id,occurredAt,actorType,actorId,actorName,action/);
    expect(csv.text).toContain('"Rick, ""the requester"""');
  });

  it('verifies the chain, then names the row a superuser altered', async () => {
    const ok = JSON.parse((await get('/api/v1/audit/verify', 'audrey')).text);
    expect(ok).toMatchObject({ valid: true, firstBadRow: null });
    expect(ok.rowsChecked).toBeGreaterThanOrEqual(7);

    const owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    const { rows } = await owner.query('SELECT seq::text AS seq FROM audit_event WHERE idempotency_key = $1', [`${requestId}:3`]);
    await owner.query('BEGIN');
    await owner.query('ALTER TABLE audit_event DISABLE TRIGGER USER');
    await owner.query(`UPDATE audit_event SET actor_name = 'Someone else' WHERE idempotency_key = $1`, [`${requestId}:3`]);
    await owner.query('ALTER TABLE audit_event ENABLE TRIGGER USER');
    await owner.query('COMMIT');
    await owner.end();

    const bad = JSON.parse((await get('/api/v1/audit/verify', 'audrey')).text);
    expect(bad.valid).toBe(false);
    expect(bad.firstBadRow.seq).toBe(rows[0].seq);
  });
});
