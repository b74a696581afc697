import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { verifyLedger } from '../libs/audit/chain';
import { closeMailers } from '../libs/tickets/email';
import { computeSignature } from '../libs/tickets/signing';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { TestHelpdesk } from './support/helpdesk';
import { grantImported, seedSystems, until } from './support/leaver-fixtures';
import { createOrm, freshDatabase, temporalClient, type TestDatabase } from './support/services';
import { TestSmtpServer } from './support/smtp';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

const secret = 'kill-worker-test-secret-0123456789';
const SLOW_MS = 60_000;

/**
 * The worker is a real child process (`dist/apps/worker/src/main.js`) and is SIGKILLed while
 * every webhook and email ticket is in flight: the helpdesk has created the ticket and the SMTP
 * server has stored the message, but neither has answered, so nothing is recorded. A new worker
 * process re-delivers with the same idempotency key and Message-ID: exactly one ticket per task.
 */
describe('leaver: the worker is killed mid-delivery', () => {
  let db: TestDatabase;
  let owner: PgClient;
  let orm: MikroORM;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let helpdesk: TestHelpdesk;
  let smtp: TestSmtpServer;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    helpdesk = await new TestHelpdesk(secret).start();
    smtp = await new TestSmtpServer().start();
    auth = await startAuthHarness(db, {
      TICKET_HMAC_SECRET: secret, SMTP_URL: smtp.url,
      // The webhook's HTTP timeout is 8 s: the kill lands while every POST still waits for its answer.
      LEAVER_RECONCILE_INTERVAL: '1s', TICKET_DELIVERY_TIMEOUT: '12s',
    });
    await createIdentity(db, { key: 'own1', name: 'System Owner', roles: ['system_owner'] });
    await seedSystems(owner, [
      { key: 'hd1', channel: 'webhook', target: helpdesk.url, slaHours: 8, owners: ['own1'] },
      { key: 'hd2', channel: 'webhook', target: helpdesk.url, slaHours: 8, owners: ['own1'] },
      { key: 'mx1', channel: 'email', target: 'mx1-owners@example.org', slaHours: 8, owners: ['own1'] },
      { key: 'mx2', channel: 'email', target: 'mx2-owners@example.org', slaHours: 8, owners: ['own1'] },
      { key: 'q1', channel: 'queue', target: null, slaHours: 8, owners: ['own1'] },
    ]);
    orm = await createOrm(db.serviceUrl);
    temporal = await temporalClient();
    api = await startApi(auth.config);
  });

  afterAll(async () => {
    for (const w of workers) await w.kill();
    await api?.close();
    await temporal?.close();
    await auth?.stop();
    closeMailers();
    await helpdesk?.stop();
    await smtp?.stop();
    await orm?.close(true);
    await owner?.end();
    await db?.drop();
  });

  const post = async (path: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const tasksOf = async (requestIds: string[]) =>
    (await owner.query(`SELECT id, request_id, system_key, channel, status, delivered_at, external_ref FROM task WHERE request_id = ANY($1) ORDER BY request_id, system_key`, [requestIds])).rows;

  it('exactly one ticket per task on every channel, one ticket.delivered each, and the ledger verifies', async () => {
    const systems = ['hd1', 'hd2', 'mx1', 'mx2', 'q1'];
    const leavers = ['K1', 'K2'];
    for (const key of leavers) {
      await createIdentity(db, { key, name: `Leaver ${key}` });
      await grantImported(owner, `role-${key.toLowerCase()}`, 'own1', systems, [key]);
    }
    workers.push(await startWorkerProcess(auth.config));
    helpdesk.slowNext(4, SLOW_MS);
    smtp.slowNext(4, SLOW_MS);

    const hr = { authorization: `Bearer ${await auth.clientToken('hr-system')}` };
    const requests: { id: string; workflowId: string }[] = [];
    for (const key of leavers) {
      const r = await post('/api/v1/requests/leaver', { identity: key, reason: 'involuntary' }, hr);
      expect(r.status).toBe(202);
      requests.push({ id: r.json.id, workflowId: r.json.workflowId });
    }
    const ids = requests.map((r) => r.id);

    // Every webhook and email ticket has arrived, none has been answered: kill the worker now.
    await until(async () => helpdesk.tickets.size === 4 && smtp.messages.length === 4, 60_000, 20);
    await workers[0].kill();
    const beforeRestart = await tasksOf(ids);
    expect(beforeRestart).toHaveLength(10);
    expect(beforeRestart.filter((t) => t.channel !== 'queue' && t.delivered_at)).toEqual([]);
    const postsAtKill = helpdesk.rawPosts;
    const mailsAtKill = smtp.messages.length;

    workers.push(await startWorkerProcess(auth.config));
    const tasks = await until(async () => {
      const t = await tasksOf(ids);
      return t.every((x) => x.delivered_at) ? t : null;
    }, 90_000, 200);

    // The new worker re-sent what the dead one never recorded...
    expect(helpdesk.rawPosts).toBeGreaterThan(postsAtKill);
    expect(smtp.messages.length).toBeGreaterThan(mailsAtKill);
    // ...and each channel still shows exactly one ticket per task.
    const webhook = tasks.filter((t) => t.channel === 'webhook');
    const email = tasks.filter((t) => t.channel === 'email');
    expect(webhook).toHaveLength(4);
    expect(email).toHaveLength(4);
    expect(helpdesk.tickets.size).toBe(webhook.length);
    expect(new Set([...helpdesk.tickets.values()].map((t) => t.ticket.taskId))).toEqual(new Set(webhook.map((t) => t.id)));
    for (const t of webhook) expect(t.external_ref).toBe(helpdesk.ticketFor(t.id)!.ref);
    expect(smtp.distinctMessageIds).toBe(email.length);
    for (const t of email) expect(smtp.byMessageId(t.external_ref).length).toBeGreaterThanOrEqual(1);

    // Close the requests: owners attest over HTTP, the helpdesk resolves its tickets.
    const ownerAuth = await auth.authHeader('own1');
    for (const t of tasks) {
      if (t.channel === 'webhook') {
        const raw = JSON.stringify({ schema: 'jml.ticket-callback/v1', callbackId: `cb-${t.id}`, ticketId: t.id, status: 'resolved', resolvedBy: { name: 'Helpdesk Hank' } });
        const ts = String(Math.floor(Date.now() / 1000));
        const res = await fetch(`${api.url}/api/v1/tickets/callback`, {
          method: 'POST', body: raw,
          headers: { 'content-type': 'application/json', 'x-jml-timestamp': ts, 'x-jml-signature': `v1=${computeSignature(secret, ts, raw)}` },
        });
        expect(res.status).toBe(200);
      } else {
        expect((await post(`/api/v1/tasks/${t.id}/complete`, { note: 'access removed' }, ownerAuth)).status).toBe(200);
      }
    }
    for (const r of requests) {
      expect(await temporal.client.workflow.getHandle(r.workflowId).result()).toMatchObject({ status: 'completed', outcome: 'sla_met' });
    }

    // The ledger: one ticket.delivered per task, no step recorded twice, and the chain verifies.
    const delivered = await owner.query(
      `SELECT subject_id, count(*)::int AS n FROM audit_event WHERE action = 'ticket.delivered' AND request_id = ANY($1) GROUP BY subject_id`, [ids]);
    expect(delivered.rows).toHaveLength(10);
    expect(delivered.rows.every((x) => x.n === 1)).toBe(true);
    const twice = await owner.query(
      `SELECT action, subject_id, count(*)::int AS n FROM audit_event WHERE request_id = ANY($1) AND action <> 'ticket.delivery_failed'
        GROUP BY action, subject_id HAVING count(*) > 1`, [ids]);
    expect(twice.rows).toEqual([]);
    const perTask = await owner.query(
      `SELECT action, count(*)::int AS n FROM audit_event WHERE request_id = ANY($1) AND action IN ('task.created', 'ticket.delivered', 'task.completed') GROUP BY action ORDER BY action`, [ids]);
    expect(perTask.rows).toEqual([{ action: 'task.completed', n: 10 }, { action: 'task.created', n: 10 }, { action: 'ticket.delivered', n: 10 }]);
    const verified = await verifyLedger(orm.em.fork());
    expect(verified.firstBadRow).toBeNull();
    expect(verified.valid).toBe(true);
  }, 240_000);
});
