import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import type { Config } from '../libs/config/config';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { startApi } from './support/api';
import { createIdentity } from './support/auth';
import { seedSystems, until } from './support/leaver-fixtures';
import { opsMetricNames, scrape, sampleValue, type Sample } from './support/prometheus';
import { createOrm, freshDatabase, startWorker, testConfig, type TestDatabase } from './support/services';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * The domain signals of GET /metrics (ADR 162) through a real scrape of the real API over HTTP,
 * against rows in a real PostgreSQL: every number below is one the fixture makes different from
 * its neighbours, so a query that reads the wrong column, state or window fails.
 */
describe('domain metrics at /metrics', () => {
  let db: TestDatabase;
  let owner: PgClient;
  let orm: MikroORM;
  let api: Awaited<ReturnType<typeof startApi>>;
  let samples: Sample[];
  let config: Config;

  const request = (kind: string, status: string, identity: string) => {
    const id = randomUUID();
    return owner
      .query(`INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id)
              VALUES ($1, $2, $3, $4, 'client', 'hr-system', 'HR', $5)`, [id, kind, status, identity, `${kind}-${id}`])
      .then(() => id);
  };
  const task = async (requestId: string, system: string, channel: string, action: string, dueInMs: number, extra: { done?: number; attempts?: number; delivered?: boolean } = {}) => {
    const id = randomUUID();
    await owner.query(
      `INSERT INTO task (id, request_id, workflow_id, identity_key, system_key, action, due_at, channel, status, completed_at, delivery_attempts, delivered_at)
       SELECT $1, $2, r.workflow_id, r.identity_key, $3, $4, now() + make_interval(secs => $5::float8 / 1000), $6, $7,
              CASE WHEN $8::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $8::float8 / 1000) END, $9, CASE WHEN $10 THEN now() END
         FROM request r WHERE r.id = $2`,
      [id, requestId, system, action, dueInMs, channel, extra.done === undefined ? 'open' : 'done', extra.done ?? null, extra.attempts ?? 0, extra.delivered ?? false]);
    return id;
  };
  const ledger = (action: string, taskId: string, details: Record<string, unknown>, key: string) =>
    orm.em.fork().transactional((tx) =>
      recordAuditEvent(tx, { actor: SYSTEM_ACTORS.worker, action, subject: { type: 'task', id: taskId }, details, idempotencyKey: key }));

  beforeAll(async () => {
    db = await freshDatabase();
    config = testConfig(db);
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    orm = await createOrm(db.serviceUrl);
    for (const k of ['LA', 'LB']) await createIdentity(db, { key: k, status: 'terminated' });
    for (const k of ['J1', 'J2', 'M1']) await createIdentity(db, { key: k });
    await seedSystems(owner, [
      { key: 'ehr', channel: 'webhook', target: 'http://127.0.0.1:9/x', slaHours: 8, owners: [] },
      { key: 'vpn', channel: 'queue', target: null, slaHours: 4, owners: [] },
      { key: 'mail', channel: 'email', target: 'it@example.test', slaHours: 2, owners: [] },
    ]);

    // Leaver A: one revoke pending, one due within the hour, one breached whose ticket keeps failing.
    const a = await request('leaver', 'deprovisioning', 'LA');
    await task(a, 'ehr', 'webhook', 'revoke', 8 * HOUR, { delivered: true, attempts: 1 });
    await task(a, 'vpn', 'queue', 'revoke', 30 * MIN, { delivered: true, attempts: 1 });
    const failing = await task(a, 'mail', 'email', 'revoke', -HOUR, { attempts: 3 });
    for (const n of [1, 2, 3]) await ledger('ticket.delivery_failed', failing, { channel: 'email', attempt: n }, `ticket:${failing}:attempt:${n}`);
    // Leaver B: attested in time on ehr, late on vpn.
    const b = await request('leaver', 'completed', 'LB');
    const met = await task(b, 'ehr', 'webhook', 'revoke', 2 * HOUR, { done: -MIN });
    const late = await task(b, 'vpn', 'queue', 'revoke', -2 * HOUR, { done: -MIN });
    for (const t of [met, late]) await ledger('task.completed', t, { system: 'x' }, `task:${t}:completed`);
    // A joiner's grant task overdue on ehr; approvals: one joiner step past its SLA, one mover step within it.
    const j = await request('joiner', 'provisioning', 'J1');
    await task(j, 'ehr', 'webhook', 'grant', -3 * HOUR, { delivered: true, attempts: 1 });
    const pendingJoiner = await request('joiner', 'pending_approval', 'J2');
    const mover = await request('mover', 'pending_approval', 'M1');
    for (const [req, due] of [[pendingJoiner, -3 * HOUR], [mover, 5 * HOUR]] as const) {
      await owner.query(`INSERT INTO approval_step (id, request_id, step, label, approver_kind, status, opened_at, due_at)
                         VALUES ($1, $2, 1, 'Manager', 'manager', 'pending', now(), now() + make_interval(secs => $3::float8 / 1000))`, [randomUUID(), req, due]);
    }
    // Outbox: two rows not yet accepted by Temporal (signals to a workflow that does not exist), one delivered.
    await owner.query(`INSERT INTO workflow_outbox (kind, workflow_id, payload, created_at, attempts, next_attempt_at, delivered_at) VALUES
      ('signal', 'nowhere-1', '{"signal":"x","args":[]}', now() - interval '90 seconds', 2, now() + interval '1 hour', NULL),
      ('signal', 'nowhere-2', '{"signal":"x","args":[]}', now() - interval '10 seconds', 0, now() + interval '1 hour', NULL),
      ('signal', 'nowhere-3', '{"signal":"x","args":[]}', now() - interval '1 hour', 1, now(), now())`);
    // A campaign in review: two items pending, one certified; a completed campaign has no series.
    for (const [id, status] of [['q4-review', 'active'], ['q3-review', 'completed']]) {
      await owner.query(`INSERT INTO certification_campaign (id, name, status, scope_type, reviewer_kind, fallback_reviewer, due_at, deadline_policy, workflow_id, created_by, created_by_name)
                         VALUES ($1, $1, $2, 'all', 'manager', 'admin', '2026-12-31T00:00:00Z', 'escalate', $3, 'admin', 'Admin')`, [id, status, `certification-${id}`]);
    }
    for (const [who, status] of [['LA', 'pending'], ['LB', 'pending'], ['J1', 'certified']]) {
      await owner.query(`INSERT INTO certification_item (id, campaign_id, assignment_id, identity_key, identity_name, role_key, role_version, system_key, entitlements, provenance, granted_at, original_reviewer, reviewer, routing, status)
                         VALUES ($1, 'q4-review', $2, $3, $3, 'r', 1, 'ehr', '[]', 'imported', now(), 'M1', 'M1', 'manager', $4)`, [randomUUID(), randomUUID(), who, status]);
    }
    api = await startApi(config);
    samples = await scrape(`${api.url}/metrics`);
  });

  afterAll(async () => {
    await api?.close();
    await orm?.close(true);
    await owner?.end();
    await db?.drop();
  });

  const v = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);

  it('reads PostgreSQL at the scrape, beside the process metrics', () => {
    expect(v('jml_domain_metrics_up')).toBe(1);
    expect(v('jml_domain_metrics_scrape_duration_seconds')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'jml_api_process_cpu_seconds_total')).toBe(true);
  });

  it('counts open and overdue tasks per system, channel, action and request kind', () => {
    expect(v('jml_tasks_open', { system: 'ehr', channel: 'webhook', action: 'revoke', kind: 'leaver' })).toBe(1);
    expect(v('jml_tasks_overdue', { system: 'ehr', channel: 'webhook', action: 'revoke', kind: 'leaver' })).toBe(0);
    expect(v('jml_tasks_open', { system: 'ehr', channel: 'webhook', action: 'grant', kind: 'joiner' })).toBe(1);
    expect(v('jml_tasks_overdue', { system: 'ehr', channel: 'webhook', action: 'grant', kind: 'joiner' })).toBe(1);
    expect(v('jml_tasks_overdue', { system: 'mail', channel: 'email', action: 'revoke', kind: 'leaver' })).toBe(1);
    // Done tasks are not open work.
    expect(samples.filter((s) => s.name === 'jml_tasks_open').reduce((n, s) => n + s.value, 0)).toBe(4);
  });

  it('shows leaver revoke tasks by SLA state, and the outcomes of the last day from the ledger', () => {
    expect(v('jml_leaver_tasks_open', { system: 'ehr', sla: 'pending' })).toBe(1);
    expect(v('jml_leaver_tasks_open', { system: 'vpn', sla: 'due_soon' })).toBe(1);
    expect(v('jml_leaver_tasks_open', { system: 'mail', sla: 'breached' })).toBe(1);
    expect(v('jml_leaver_tasks_closed_recent', { system: 'ehr', sla: 'met' })).toBe(1);
    expect(v('jml_leaver_tasks_closed_recent', { system: 'vpn', sla: 'breached' })).toBe(1);
  });

  it('shows ticket delivery failures: tickets still failing, and failed attempts of the last day', () => {
    expect(v('jml_ticket_delivery_failing', { system: 'mail', channel: 'email' })).toBe(1);
    expect(v('jml_ticket_delivery_failing', { system: 'ehr', channel: 'webhook' })).toBe(0);
    expect(v('jml_ticket_delivery_failures_recent', { channel: 'email' })).toBe(3);
  });

  it('shows the outbox backlog and the age of its oldest row', () => {
    expect(v('jml_outbox_backlog')).toBe(2);
    expect(v('jml_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(90);
    expect(v('jml_outbox_oldest_age_seconds')).toBeLessThan(600);
    expect(v('jml_outbox_failing')).toBe(1);
  });

  it('shows approvals waiting and those past their SLA', () => {
    expect(v('jml_approvals_pending', { kind: 'joiner' })).toBe(1);
    expect(v('jml_approvals_overdue', { kind: 'joiner' })).toBe(1);
    expect(v('jml_approvals_oldest_overdue_seconds', { kind: 'joiner' })).toBeGreaterThanOrEqual(3 * 3600);
    expect(v('jml_approvals_pending', { kind: 'mover' })).toBe(1);
    expect(v('jml_approvals_overdue', { kind: 'mover' })).toBe(0);
  });

  it('shows the progress of open campaigns only', () => {
    expect(v('jml_campaign_items', { campaign: 'q4-review', status: 'pending' })).toBe(2);
    expect(v('jml_campaign_items', { campaign: 'q4-review', status: 'certified' })).toBe(1);
    expect(v('jml_campaign_due_timestamp_seconds', { campaign: 'q4-review', status: 'active' })).toBe(Date.parse('2026-12-31T00:00:00Z') / 1000);
    expect(samples.some((s) => s.labels.campaign === 'q3-review')).toBe(false);
  });

  it('says whether a worker polls the task queue (the worker-down signal), and follows state changes', async () => {
    expect(v('jml_worker_pollers', { type: 'activity' })).toBe(0);
    const worker = await startWorker(config, orm);
    try {
      const again = await until(async () => {
        const s = await scrape(`${api.url}/metrics`);
        // Temporal lists a queue's activity and workflow pollers separately, each once it has polled.
        const polling = (type: string) => (sampleValue(s, 'jml_worker_pollers', { type }) ?? 0) > 0;
        return polling('activity') && polling('workflow') ? s : null;
      });
      expect(sampleValue(again, 'jml_worker_pollers', { type: 'workflow' })).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.stop();
    }
    await owner.query(`UPDATE task SET status = 'cancelled' WHERE system_key = 'mail'`);
    const after = await scrape(`${api.url}/metrics`);
    // A label set with nothing left disappears instead of keeping its last value.
    expect(sampleValue(after, 'jml_leaver_tasks_open', { system: 'mail', sla: 'breached' })).toBeUndefined();
    expect(sampleValue(after, 'jml_ticket_delivery_failing', { system: 'mail', channel: 'email' })).toBeUndefined();
    // Every jml_ series the alert rules and the dashboard in docs/ops/ query exists under that name.
    const names = new Set(after.map((s) => s.name));
    const used = opsMetricNames('jml_');
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((n) => !names.has(n))).toEqual([]);
  });
});
