import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { closeMailers } from '../libs/tickets/email';
import { computeSignature } from '../libs/tickets/signing';
import { leaverWorkflowId } from '../workflows/definitions';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { TestHelpdesk } from './support/helpdesk';
import { grantImported, seedSystems, until } from './support/leaver-fixtures';
import { createOrm, freshDatabase, startWorker, temporalClient, type TestDatabase } from './support/services';
import { TestSmtpServer } from './support/smtp';

const secret = 'leaver-test-secret-0123456789';

/** Leavers end to end: real API, worker, Temporal, PostgreSQL, helpdesk (HTTP) and SMTP server. */
describe('leaver workflow', () => {
  let db: TestDatabase;
  let owner: PgClient;
  let orm: MikroORM;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let helpdesk: TestHelpdesk;
  let smtp: TestSmtpServer;
  let hr: { authorization: string };

  beforeAll(async () => {
    db = await freshDatabase();
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    helpdesk = await new TestHelpdesk(secret).start();
    smtp = await new TestSmtpServer().start();
    auth = await startAuthHarness(db, {
      TICKET_HMAC_SECRET: secret, SMTP_URL: smtp.url,
      LEAVER_ESCALATION_INTERVAL: '2s', LEAVER_RECONCILE_INTERVAL: '1s', TICKET_DELIVERY_TIMEOUT: '6s',
    });
    await createIdentity(db, { key: 'boss', name: 'Owner Boss' });
    await createIdentity(db, { key: 'own1', name: 'System Owner', manager: 'boss', roles: ['system_owner'] });
    await createIdentity(db, { key: 'adm1', name: 'Admin One', roles: ['admin'] });
    await createIdentity(db, { key: 'hr1', name: 'HR Person', roles: ['hr'] });
    await seedSystems(owner, [
      { key: 'ehr', channel: 'webhook', target: helpdesk.url, slaHours: 8, owners: ['own1'] },
      { key: 'mail', channel: 'email', target: 'mail-owners@example.org', slaHours: 8, owners: ['own1'] },
      { key: 'vpn', channel: 'queue', target: null, slaHours: 4, owners: ['own1'] },
      { key: 'lab', channel: 'queue', target: null, slaHours: 0, owners: ['own1'] },
    ]);
    orm = await createOrm(db.serviceUrl);
    worker = await startWorker(auth.config, orm);
    temporal = await temporalClient();
    api = await startApi(auth.config);
    hr = { authorization: `Bearer ${await auth.clientToken('hr-system')}` };
  });

  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await temporal?.close();
    await auth?.stop();
    closeMailers();
    await helpdesk?.stop();
    await smtp?.stop();
    await orm?.close(true);
    await owner?.end();
    await db?.drop();
  });

  async function person(systems: string[]): Promise<string> {
    const key = `L${randomUUID().slice(0, 8)}`;
    await createIdentity(db, { key, name: `Leaver ${key}` });
    await grantImported(owner, `role-${key.toLowerCase()}`, 'own1', systems, [key]);
    return key;
  }

  const post = async (path: string, body: unknown, headers = hr) => {
    const res = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const tasksOf = async (requestId: string) =>
    (await owner.query(`SELECT id, system_key, status, urgent, due_at, delivered_at, external_ref, channel, escalation_level FROM task WHERE request_id = $1 ORDER BY system_key`, [requestId])).rows;
  const requestRow = async (id: string) => (await owner.query('SELECT * FROM request WHERE id = $1', [id])).rows[0];
  const events = async (requestId: string) =>
    (await owner.query(`SELECT action, subject_id, actor_id, details FROM audit_event WHERE request_id = $1 ORDER BY seq`, [requestId])).rows;

  /** Named attestation of a queue/email task by the system's owner over HTTP (the workflow is signalled through the outbox). */
  async function attest(taskId: string) {
    const res = await post(`/api/v1/tasks/${taskId}/complete`, { note: 'access removed' }, { authorization: `Bearer ${await auth.tokenFor('own1')}` });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: taskId, status: 'done' });
  }

  async function helpdeskResolves(taskId: string) {
    const raw = JSON.stringify({ schema: 'jml.ticket-callback/v1', callbackId: `cb-${taskId}`, ticketId: taskId, status: 'resolved', resolvedBy: { name: 'Helpdesk Hank' }, note: 'disabled' });
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${api.url}/api/v1/tickets/callback`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-jml-timestamp': ts, 'x-jml-signature': `v1=${computeSignature(secret, ts, raw)}` }, body: raw });
    expect(res.status).toBe(200);
  }

  it('immediate leaver across webhook, email and queue closes with SLA met', async () => {
    const key = await person(['ehr', 'mail', 'vpn']);
    const r = await post('/api/v1/requests/leaver', { identity: key, reason: 'voluntary' });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ kind: 'leaver', workflowId: leaverWorkflowId(key), urgent: false });
    const id = r.json.id as string;
    const tasks = await until(async () => { const t = await tasksOf(id); return t.length === 3 && t.every((x) => x.delivered_at) ? t : null; });
    expect(tasks.map((t) => [t.system_key, t.channel, t.urgent])).toEqual([['ehr', 'webhook', false], ['mail', 'email', false], ['vpn', 'queue', false]]);
    const ehr = tasks[0];
    expect(ehr.external_ref).toBe(helpdesk.ticketFor(ehr.id)!.ref);
    expect(smtp.byMessageId(tasks[1].external_ref)).toHaveLength(1);
    expect((await owner.query('SELECT status FROM identity WHERE key = $1', [key])).rows[0].status).toBe('terminated');

    await helpdeskResolves(ehr.id);
    await attest(tasks[1].id);
    await attest(tasks[2].id);
    const result = await temporal.client.workflow.getHandle(r.json.workflowId).result();
    expect(result).toMatchObject({ status: 'completed', outcome: 'sla_met' });
    const req = await requestRow(id);
    expect(req.status).toBe('completed');
    expect(req.outcome).toBe('sla_met');
    expect(req.changes.sla.map((s: any) => [s.system, s.sla])).toEqual([['ehr', 'met'], ['mail', 'met'], ['vpn', 'met']]);
    const revoked = await owner.query(`SELECT status FROM access_assignment WHERE identity_key = $1`, [key]);
    expect(revoked.rows.map((x) => x.status)).toEqual(['revoked']);
    const actions = (await events(id)).map((e) => e.action);
    expect(actions[0]).toBe('request.created');
    expect(actions.filter((a) => a === 'ticket.delivered')).toHaveLength(3);
    expect(actions.filter((a) => a === 'task.completed')).toHaveLength(3);
    const completions = (await events(id)).filter((e) => e.action === 'task.completed');
    expect(completions.map((e) => [e.subject_id, e.actor_id])).toEqual(
      expect.arrayContaining([[tasks[1].id, 'own1'], [tasks[2].id, 'own1']]));
    const attested = await tasksOf(id);
    expect((await owner.query(`SELECT completed_by, completed_by_name, note FROM task WHERE id = $1`, [attested[2].id])).rows[0])
      .toEqual({ completed_by: 'own1', completed_by_name: 'System Owner', note: 'access removed' });
    expect(actions.at(-1)).toBe('request.completed');
    // The removal is in the ledger like any other: one access.revoked row naming the request, the
    // tasks that carried it out and the owners who attested them.
    const [removed] = (await events(id)).filter((e) => e.action === 'access.revoked');
    expect(removed.subject_id).toBe(key);
    expect(removed.details).toMatchObject({ identity: key, reason: 'leaver', assignments: [expect.objectContaining({ role: `role-${key.toLowerCase()}` })] });
    expect(removed.details.attestedBy).toContain('own1');
    expect(removed.details.tasks.map((t: any) => t.taskId).sort()).toEqual(tasks.map((t) => t.id).sort());
  });

  it('duplicate leaver is 409; a scheduled leaver cancelled before its time changes nothing else', async () => {
    const key = await person(['vpn']);
    const at = new Date(Date.now() + 3600_000).toISOString();
    const first = await post('/api/v1/requests/leaver', { identity: key, reason: 'voluntary', effectiveAt: at });
    expect(first.status).toBe(202);
    expect(first.json.status).toBe('scheduled');
    const dup = await post('/api/v1/requests/leaver', { identity: key, reason: 'involuntary' });
    expect(dup.status).toBe(409);
    await until(() => requestRow(first.json.id));
    const c = await post(`/api/v1/requests/leaver/${first.json.id}/cancel`, { reason: 'resignation withdrawn' });
    expect(c.status).toBe(200);
    expect(c.json.status).toBe('cancelled');
    expect((await temporal.client.workflow.getHandle(first.json.workflowId).result()).status).toBe('cancelled');
    expect((await requestRow(first.json.id)).status).toBe('cancelled');
    expect(await tasksOf(first.json.id)).toEqual([]);
    expect((await owner.query('SELECT status FROM identity WHERE key = $1', [key])).rows[0].status).toBe('active');
    expect((await events(first.json.id)).map((e) => e.action)).toEqual(['request.created', 'request.cancelled']);
    const again = await post(`/api/v1/requests/leaver/${first.json.id}/cancel`, {});
    expect(again.status).toBe(409);
  });

  it('effective-dated leaver fires at its time; another brought forward fires at once', async () => {
    const a = await person(['vpn']);
    const at = new Date(Date.now() + 3000);
    const r = await post('/api/v1/requests/leaver', { identity: a, reason: 'voluntary', effectiveAt: at.toISOString() });
    expect(r.json.status).toBe('scheduled');
    await new Promise((x) => setTimeout(x, 1500));
    expect(await tasksOf(r.json.id)).toEqual([]);
    const [t] = await until(async () => { const x = await tasksOf(r.json.id); return x.length ? x : null; });
    const created = (await owner.query(`SELECT created_at FROM task WHERE id = $1`, [t.id])).rows[0].created_at as Date;
    expect(created.getTime()).toBeGreaterThanOrEqual(at.getTime() - 50);

    const b = await person(['vpn']);
    const later = await post('/api/v1/requests/leaver', { identity: b, reason: 'involuntary', effectiveAt: new Date(Date.now() + 3600_000).toISOString() });
    await until(() => requestRow(later.json.id));
    const f = await post(`/api/v1/requests/leaver/${later.json.id}/bring-forward`, {});
    expect(f.status).toBe(200);
    await until(async () => (await tasksOf(later.json.id)).length === 1);
    const actions = (await events(later.json.id)).map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual(['request.created', 'leaver.brought_forward', 'identity.terminated']);
  });

  it('for-cause is immediate with urgent tasks, and cancels the leaver\'s pending requests with their tasks', async () => {
    const key = await person(['vpn', 'ehr']);
    const pending = randomUUID();
    await owner.query(`INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id)
                       VALUES ($1, 'mover', 'provisioning', $2, 'identity', 'hr1', 'HR', $3)`, [pending, key, `mover-${pending}`]);
    const pendingTask = randomUUID();
    await owner.query(`INSERT INTO task (id, request_id, workflow_id, identity_key, system_key, action, due_at, channel)
                       VALUES ($1, $2, $3, $4, 'lab', 'grant', now() + interval '1 day', 'queue')`, [pendingTask, pending, `mover-${pending}`, key]);
    const r = await post('/api/v1/requests/leaver', { identity: key, reason: 'for_cause', effectiveAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ urgent: true, status: 'deprovisioning' });
    const tasks = await until(async () => { const t = await tasksOf(r.json.id); return t.length === 2 ? t : null; });
    expect(tasks.every((t) => t.urgent)).toBe(true);
    await until(async () => helpdesk.ticketFor(tasks[0].id));
    expect(helpdesk.ticketFor(tasks[0].id)!.ticket.urgent).toBe(true);
    expect((await requestRow(pending)).status).toBe('cancelled');
    expect((await owner.query('SELECT status FROM task WHERE id = $1', [pendingTask])).rows[0].status).toBe('cancelled');
    const ev = await owner.query(`SELECT details FROM audit_event WHERE action = 'request.cancelled' AND subject_id = $1`, [pending]);
    expect(ev.rows[0].details).toMatchObject({ reason: 'leaver', leaverRequestId: r.json.id, cancelledTasks: [pendingTask] });
  });

  it('a missed due time escalates in order (reminder, owner\'s manager, admins), audited, and the breach is recorded', async () => {
    const key = await person(['lab']);
    const r = await post('/api/v1/requests/leaver', { identity: key, reason: 'involuntary' });
    const [task] = await until(async () => { const t = await tasksOf(r.json.id); return t.length ? t : null; });
    const escalations = await until(async () => {
      const rows = (await owner.query(`SELECT details FROM audit_event WHERE action = 'task.escalated' AND subject_id = $1 ORDER BY seq`, [task.id])).rows;
      return rows.length === 3 ? rows : null;
    }, 20_000);
    expect(escalations.map((e) => [e.details.level, e.details.step, e.details.recipients])).toEqual([
      [1, 'reminder', ['own1']], [2, 'owners_manager', ['boss']], [3, 'admins', ['adm1']],
    ]);
    await attest(task.id);
    const result = await temporal.client.workflow.getHandle(r.json.workflowId).result();
    expect(result.outcome).toBe('sla_breached');
    expect((await requestRow(r.json.id)).changes.sla).toEqual([expect.objectContaining({ system: 'lab', sla: 'breached', escalationLevel: 3 })]);
  });

  it('rejects bad input and unknown or terminated identities without starting anything', async () => {
    expect((await post('/api/v1/requests/leaver', { identity: 'x', reason: 'bored' })).status).toBe(400);
    expect((await post('/api/v1/requests/leaver', { identity: 'x', reason: 'voluntary', effectiveAt: '2026-01-01T00:00:00' })).status).toBe(400);
    expect((await post('/api/v1/requests/leaver', { identity: 'nobody', reason: 'voluntary' })).status).toBe(404);
    const other = { authorization: `Bearer ${await auth.tokenFor('own1')}` };
    expect((await post('/api/v1/requests/leaver', { identity: 'own1', reason: 'voluntary' }, other)).status).toBe(403);
  });
});
