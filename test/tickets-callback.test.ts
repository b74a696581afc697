import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { computeSignature } from '../libs/tickets/signing';
import { startApi } from './support/api';
import { freshDatabase, testConfig, type TestDatabase } from './support/services';

/**
 * `POST /api/v1/tickets/callback` over real HTTP against a real database: a valid signed callback
 * completes the task with the resolver's name; a bad signature, a stale timestamp or a replayed
 * callback id is refused and changes nothing.
 */
const secret = 'callback-test-secret-0123456789';

describe('helpdesk ticket callback', () => {
  let db: TestDatabase;
  let owner: PgClient;
  let api: Awaited<ReturnType<typeof startApi>>;

  beforeAll(async () => {
    db = await freshDatabase();
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    await owner.query(`INSERT INTO identity (key, username, name, status) VALUES ('E2001', 'fmulder', 'Fox Mulder', 'active')`);
    api = await startApi(testConfig(db, { TICKET_HMAC_SECRET: secret }));
  });

  afterAll(async () => {
    await api?.close();
    await owner?.end();
    await db?.drop();
  });

  async function openTask(channel = 'webhook'): Promise<string> {
    const requestId = randomUUID();
    const taskId = randomUUID();
    await owner.query(
      `INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id)
       VALUES ($1, 'leaver', 'deprovisioning', 'E2001', 'identity', 'hr1', 'HR One', $2)`,
      [requestId, `leaver-test-${requestId}`],
    );
    await owner.query(
      `INSERT INTO task (id, request_id, workflow_id, identity_key, system_key, action, entitlements, due_at, channel, external_ref)
       VALUES ($1, $2, $3, 'E2001', 'pacs', 'revoke', '["pacs.read"]', now() + interval '8 hours', $4, 'HD-7')`,
      [taskId, requestId, `leaver-test-${requestId}`, channel],
    );
    return taskId;
  }

  function body(taskId: string, overrides: Record<string, unknown> = {}) {
    return JSON.stringify({
      schema: 'jml.ticket-callback/v1',
      callbackId: `cb-${randomUUID()}`,
      ticketId: taskId,
      status: 'resolved',
      resolvedBy: { name: 'Walter Skinner', email: 'wskinner@example.org' },
      note: 'Account disabled in PACS',
      externalRef: 'HD-7',
      ...overrides,
    });
  }

  async function post(raw: string, opts: { ts?: number; signWith?: string; headers?: Record<string, string> } = {}) {
    const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
    const res = await fetch(`${api.url}/api/v1/tickets/callback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-jml-timestamp': ts,
        'x-jml-signature': `v1=${computeSignature(opts.signWith ?? secret, ts, raw)}`,
        ...opts.headers,
      },
      body: raw,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function snapshot(taskId: string) {
    const task = await owner.query('SELECT status, completed_by, completed_by_name, note FROM task WHERE id = $1', [taskId]);
    const audit = await owner.query('SELECT count(*)::int AS n FROM audit_event');
    const callbacks = await owner.query('SELECT count(*)::int AS n FROM ticket_callback');
    return { task: task.rows[0], audit: audit.rows[0].n, callbacks: callbacks.rows[0].n };
  }

  it('a valid callback completes the task with the resolver as attestation, audited', async () => {
    const taskId = await openTask();
    const raw = body(taskId);
    const r = await post(raw);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ taskId, status: 'done', completedByName: 'Walter Skinner' });
    const s = await snapshot(taskId);
    expect(s.task).toEqual({ status: 'done', completed_by: 'helpdesk:pacs', completed_by_name: 'Walter Skinner', note: 'Account disabled in PACS' });
    // The shared attestation (task.completed, as POST /tasks/{id}/complete writes it), then the callback itself.
    const ev = await owner.query(`SELECT action, actor_type, actor_id, actor_name, details FROM audit_event WHERE subject_id = $1 ORDER BY seq`, [taskId]);
    expect(ev.rows.map((e) => e.action)).toEqual(['task.completed', 'ticket.resolved']);
    expect(ev.rows[0]).toMatchObject({ actor_type: 'client', actor_id: 'helpdesk:pacs', actor_name: 'Walter Skinner' });
    expect(ev.rows[0].details).toMatchObject({ system: 'pacs', note: 'Account disabled in PACS', externalRef: 'HD-7' });
    expect(ev.rows[1]).toMatchObject({ actor_type: 'client', actor_id: 'helpdesk:pacs', actor_name: 'Walter Skinner (via pacs helpdesk)' });
    expect(ev.rows[1].details).toMatchObject({ via: 'helpdesk_callback', resolver: { name: 'Walter Skinner', email: 'wskinner@example.org' } });
    const signal = await owner.query(`SELECT payload FROM workflow_outbox WHERE workflow_id = (SELECT workflow_id FROM task WHERE id = $1)`, [taskId]);
    expect(signal.rows.map((x) => x.payload)).toEqual([expect.objectContaining({ signal: 'taskClosed', args: [expect.objectContaining({ taskId, status: 'done' })] })]);

    // The same signed request again (a replay inside the window): 409, nothing changes.
    const before = await snapshot(taskId);
    const again = await post(raw);
    expect(again.status).toBe(409);
    expect(again.json.message).toMatch(/already processed/);
    expect(await snapshot(taskId)).toEqual(before);
  });

  it('a bad signature is 401 and changes nothing', async () => {
    const taskId = await openTask();
    const before = await snapshot(taskId);
    const r = await post(body(taskId), { signWith: 'not-the-shared-secret-012345' });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ statusCode: 401, message: expect.stringMatching(/signature does not match/) });
    expect(await snapshot(taskId)).toEqual(before);
    expect(before.task.status).toBe('open');
  });

  it('a body changed after signing is 401', async () => {
    const taskId = await openTask();
    const raw = body(taskId);
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${api.url}/api/v1/tickets/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-jml-timestamp': ts, 'x-jml-signature': `v1=${computeSignature(secret, ts, raw)}` },
      body: raw.replace('Walter Skinner', 'Mallory'),
    });
    expect(res.status).toBe(401);
    expect((await snapshot(taskId)).task.status).toBe('open');
  });

  it('a stale timestamp (10 minutes old, correctly signed) is 401 and changes nothing', async () => {
    const taskId = await openTask();
    const before = await snapshot(taskId);
    const r = await post(body(taskId), { ts: Math.floor(Date.now() / 1000) - 600 });
    expect(r.status).toBe(401);
    expect(r.json.message).toMatch(/outside the accepted window/);
    expect(await snapshot(taskId)).toEqual(before);
  });

  it('missing signature headers are 401', async () => {
    const taskId = await openTask();
    const res = await fetch(`${api.url}/api/v1/tickets/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(taskId) });
    expect(res.status).toBe(401);
  });

  it('a replayed callback id, re-signed with a fresh timestamp, is 409', async () => {
    const a = await openTask();
    const b = await openTask();
    const callbackId = `cb-${randomUUID()}`;
    expect((await post(body(a, { callbackId }))).status).toBe(200);
    const before = await snapshot(b);
    const r = await post(body(b, { callbackId }), { ts: Math.floor(Date.now() / 1000) + 1 });
    expect(r.status).toBe(409);
    expect(await snapshot(b)).toEqual(before);
  });

  it('signed but invalid bodies are 400 with every problem listed, and change nothing', async () => {
    const taskId = await openTask();
    const before = await snapshot(taskId);
    const r = await post(JSON.stringify({ schema: 'jml.ticket-callback/v1', ticketId: 'nope', status: 'open', extra: 1 }));
    expect(r.status).toBe(400);
    const paths = (r.json.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['callbackId', 'resolvedBy', 'status', 'ticketId']));
    const mismatch = await post(body(taskId), { headers: { 'idempotency-key': 'other' } });
    expect(mismatch.status).toBe(400);
    expect(await snapshot(taskId)).toEqual(before);
  });

  it('unknown tickets are 404 and tickets of other channels 409, leaving no replay key behind', async () => {
    const unknownCb = `cb-${randomUUID()}`;
    expect((await post(body(randomUUID(), { callbackId: unknownCb }))).status).toBe(404);
    const queued = await openTask('queue');
    expect((await post(body(queued))).status).toBe(409);
    const keys = await owner.query('SELECT 1 FROM ticket_callback WHERE callback_id = $1', [unknownCb]);
    expect(keys.rows).toHaveLength(0);
  });
});
