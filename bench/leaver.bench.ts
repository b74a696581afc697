import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { verifyLedger } from '../libs/audit/chain';
import { DEV_WEB_CLIENT } from '../libs/auth/dev-idp/clients';
import { startDevIdp } from '../libs/auth/dev-idp/start-dev-idp';
import { integrationToken } from '../libs/auth/dev-tokens';
import { freePort } from '../libs/devstack/ports';
import { ormOptions } from '../libs/persistence/orm-options';
import { ticketMessageId } from '../libs/tickets/email';
import { ticketIdempotencyKey } from '../libs/tickets/ticket';
import { BenchHelpdesk, BenchSmtp } from './leaver-receivers';
import { runFloor, runFloorWithoutPragmas } from './floor/floor.bench';
import { engineRows } from './floor/engine-rows';
import { startServiceProcess, type ServiceProcess } from './processes';
import { benchCheckpointEnv, buildWorkflowBundle, tuningEnv, mb, percentile, type BenchResult, type BenchServices } from './support';

export const SECRET = 'bench-ticket-secret-0123456789';
export const SYSTEMS = 12;
/** What one leaver writes to the ledger up to its last ticket (workflows/leaver.workflow.ts, activities/leaver.activities.ts):
 *  request.created; identity.terminated, task.created x systems, leaver.effective; ticket.delivered x systems. */
export const LEDGER_ROWS_PER_LEAVER = 1 + 1 + SYSTEMS + 1 + SYSTEMS;

interface DeliveredTask { id: string; channel: string; delivered_at: Date | null }

/**
 * Leaver tickets end to end: the real API and worker as processes from dist/ (NODE_ENV=production),
 * a dev IdP for the HR system's client-credentials token, Temporal and PostgreSQL from the bench
 * harness, and a signature-checking helpdesk plus an SMTP server in this process. 12 systems:
 * 4 webhook, 4 email, 4 queue. A ticket counts as delivered when the helpdesk or the SMTP server
 * received it (first arrival), or for a queue task when its delivery was recorded.
 */
export async function run(services: BenchServices): Promise<BenchResult> {
  const singleRuns = Number(process.env.BENCH_LEAVER_RUNS ?? 50);
  const mass = Number(process.env.BENCH_LEAVER_MASS ?? 1000);
  // The scaling row's smaller bursts (the mass burst is its last point); BENCH_LEAVER_SCALING= (empty) skips them.
  const scaling = (process.env.BENCH_LEAVER_SCALING ?? '100,300').split(',').filter(Boolean).map(Number);
  // The engine floor first, alone on the machine: the same burst of the leaver's shape, no-op activities.
  // Diagnostics: BENCH_FLOOR_PER_TASK adds the shape before ADR 121, BENCH_FLOOR_BASELINE the floor without ADR 120's pragmas.
  const floor = await runFloor(services, mass, SYSTEMS, 'batch');
  const floorPerTask = process.env.BENCH_FLOOR_PER_TASK ? await runFloor(services, mass, SYSTEMS, 'per-task') : null;
  const floorBaseline = process.env.BENCH_FLOOR_BASELINE ? await runFloorWithoutPragmas(services, mass, SYSTEMS, 'batch') : null;
  const db = await services.freshDatabase();
  const owner = new Client({ connectionString: db.ownerUrl });
  await owner.connect();
  const helpdesk = await new BenchHelpdesk(SECRET).start();
  const smtp = await new BenchSmtp().start();
  await seed(owner, helpdesk.url, singleRuns + mass + scaling.reduce((a, b) => a + b, 0));

  const bundle = buildWorkflowBundle(services, db.name);
  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const idp = await startDevIdp({ port: idpPort, issuer, databaseUrl: db.serviceUrl, audience: 'jml-api', apiPublicUrl: apiUrl, keysDir: join(services.dataDir, `idp-${db.name}`) });
  const common: Record<string, string> = {
    NODE_ENV: 'production', LOG_LEVEL: 'warn', DATA_DIR: services.dataDir, ...benchCheckpointEnv(services.dataDir, db.name),
    DATABASE_URL: db.serviceUrl, TEMPORAL_ADDRESS: services.temporalAddress, TEMPORAL_TASK_QUEUE: `bench-leaver-${db.name}`, WORKFLOW_BUNDLE: bundle,
    OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'jml-api', OIDC_CLIENT_ID: DEV_WEB_CLIENT.clientId, OIDC_CLIENT_SECRET: DEV_WEB_CLIENT.clientSecret,
    OIDC_CLIENT_ROLES: 'hr-system:hr', SESSION_SECRET: 'bench-session-secret-0123456789', PUBLIC_URL: apiUrl,
    TICKET_HMAC_SECRET: SECRET, SMTP_URL: smtp.url, RATE_LIMIT_PER_MINUTE: '10000000', AUTH_FAILURES_PER_MINUTE: '10000000',
    ...(process.env.BENCH_DATABASE_POOL_MAX ? { DATABASE_POOL_MAX: process.env.BENCH_DATABASE_POOL_MAX } : {}),
    ...tuningEnv(),
  };
  let api: ServiceProcess | null = null;
  let worker: ServiceProcess | null = null;
  try {
    worker = await startServiceProcess('worker', common);
    api = await startServiceProcess('api', { ...common, PORT: String(apiPort), HOST: '127.0.0.1' });
    const hr = { authorization: `Bearer ${await integrationToken(issuer, 'hr-system')}`, 'content-type': 'application/json' };
    const start = async (key: string) => {
      const res = await fetch(`${apiUrl}/api/v1/requests/leaver`, { method: 'POST', headers: hr, body: JSON.stringify({ identity: key, reason: 'voluntary' }) });
      const body = (await res.json()) as { id?: string; message?: string };
      if (res.status !== 202 || !body.id) throw new Error(`leaver ${key}: ${res.status} ${JSON.stringify(body)}`);
      return body.id;
    };
    const receivedAt = (t: DeliveredTask): number | null => {
      if (t.channel === 'webhook') return helpdesk.firstSeen.get(ticketIdempotencyKey(t.id)) ?? null;
      if (t.channel === 'email') return smtp.firstSeen.get(ticketMessageId(ticketIdempotencyKey(t.id))) ?? null;
      return t.delivered_at ? new Date(t.delivered_at).getTime() : null;
    };
    const lastArrival = (tasks: DeliveredTask[]): number | null => {
      let last = 0;
      for (const t of tasks) {
        const at = receivedAt(t);
        if (at === null) return null;
        last = Math.max(last, at);
      }
      return last;
    };

    // (a) One leaver at a time: HR call to the last of its 12 tickets arriving.
    const latencies: number[] = [];
    for (let i = 0; i < singleRuns; i++) {
      const t0 = Date.now();
      const id = await start(identityKey(i));
      for (;;) {
        const tasks = (await owner.query<DeliveredTask>('SELECT id, channel, delivered_at FROM task WHERE request_id = $1', [id])).rows;
        const last = tasks.length === SYSTEMS ? lastArrival(tasks) : null;
        if (last !== null) { latencies.push(last - t0); break; }
        if (Date.now() - t0 > 60_000) throw new Error(`single leaver ${i} not delivered within 60 s`);
        await sleep(5);
      }
    }
    latencies.sort((a, b) => a - b);

    // (b) Bursts: every leaver POSTed at once (64 in flight), until every ticket has arrived. The
    // scaling sizes first (smaller), then the mass burst whose checks follow.
    api.resetPeak();
    worker.resetPeak();
    let seeded = singleRuns;
    const burst = async (n: number) => {
      const keys = Array.from({ length: n }, (_, i) => identityKey(seeded + i));
      seeded += n;
      const t0 = Date.now();
      const ids = await pool(keys, 64, start);
      const acceptedMs = Date.now() - t0;
      const deadline = t0 + Number(process.env.BENCH_LEAVER_TIMEOUT_MS ?? 600_000);
      let tasks: DeliveredTask[] = [];
      let last: number | null = null;
      for (;;) {
        tasks = (await owner.query<DeliveredTask>('SELECT id, channel, delivered_at FROM task WHERE request_id = ANY($1::uuid[])', [ids])).rows;
        last = tasks.length === n * SYSTEMS ? lastArrival(tasks) : null;
        if (last !== null || Date.now() > deadline) break;
        await sleep(250);
      }
      const arrived = tasks.filter((t) => receivedAt(t) !== null).length;
      return { n, ids, t0, acceptedMs, arrived, ms: last !== null ? last - t0 : NaN };
    };
    const scaled = [];
    for (const n of scaling) scaled.push(await burst(n));
    const { ids: massIds, t0, acceptedMs, arrived, ms: allMs } = await burst(mass);
    scaled.push({ n: mass, ms: allMs });
    const expectedTickets = mass * SYSTEMS;
    const [phase] = (await owner.query<{ effective_s: number; p50_s: number }>(
      `SELECT extract(epoch FROM max(created_at) - to_timestamp($2::double precision / 1000))::float AS effective_s,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at))::float AS p50_s
         FROM task WHERE request_id = ANY($1::uuid[])`, [massIds, t0])).rows;
    const apiPeak = api.peakRss();
    const workerPeak = worker.peakRss();

    // A ticket counts as delivered when it arrives; its delivery is recorded (delivered_at, ticket.delivered)
    // just after. The ledger is checked once every arrival is recorded (or after 60 s, and then it shows).
    for (const until = Date.now() + 60_000; Date.now() < until; await sleep(250)) {
      const [r] = (await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM task WHERE request_id = ANY($1::uuid[]) AND delivered_at IS NOT NULL', [massIds])).rows;
      if (r.n >= expectedTickets) break;
    }
    const allIds = await owner.query<{ id: string }>(`SELECT id FROM request WHERE kind = 'leaver'`);
    const ledger = await owner.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM audit_event WHERE request_id = ANY($1::text[]) GROUP BY action ORDER BY action`, [massIds]);
    const ledgerRows = ledger.rows.reduce((s, r) => s + r.n, 0);
    const expectedLedger = mass * LEDGER_ROWS_PER_LEAVER;
    const twice = await owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT subject_id FROM audit_event WHERE action = 'ticket.delivered' GROUP BY subject_id HAVING count(*) > 1) d`);
    const resends = helpdesk.resends + smtp.resends;
    const duplicates = resends + twice.rows[0].n;
    const orm = await MikroORM.init(ormOptions({ url: db.serviceUrl, poolMax: 2 }));
    const verified = await verifyLedger(orm.em.fork());
    await orm.close(true);

    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    const breakdown = ledger.rows.map((r) => `${r.action} ${r.n}`).join(', ');
    return {
      name: 'leaver',
      rows: [
        { measure: `single leaver, ${SYSTEMS} systems: HR call to every ticket delivered (p50 / p95 over ${singleRuns})`, result: `${s(p50)} / ${s(p95)}`, goal: 'p95 <= 2 s', met: p95 <= 2000 ? 'yes' : 'no', notes: `min ${s(latencies[0])}, max ${s(latencies[latencies.length - 1])}; 4 webhook, 4 email, 4 queue` },
        { measure: `mass leaver: ${mass.toLocaleString('en')} x ${SYSTEMS} in one burst, all ${expectedTickets.toLocaleString('en')} tickets delivered`, result: Number.isNaN(allMs) ? `${arrived}/${expectedTickets} by timeout` : s(allMs), goal: '<= 120 s', met: allMs <= 120_000 ? 'yes' : 'no', notes: `${mass} POSTs accepted in ${s(acceptedMs)} (64 in flight); last leaver effective (tasks written) at ${phase.effective_s?.toFixed(1)} s; task written to delivery recorded p50 ${phase.p50_s?.toFixed(2)} s` },
        { measure: 'mass leaver: duplicate tickets', result: String(duplicates), goal: '0', met: duplicates === 0 ? 'yes' : 'no', notes: `helpdesk re-sends ${helpdesk.resends}, SMTP re-sends ${smtp.resends}, tasks with >1 ticket.delivered ${twice.rows[0].n}; bad signatures ${helpdesk.badSignatures}` },
        { measure: 'mass leaver: ledger rows', result: ledgerRows.toLocaleString('en'), goal: `${expectedLedger.toLocaleString('en')} (${LEDGER_ROWS_PER_LEAVER} per leaver)`, met: ledgerRows === expectedLedger ? 'yes' : 'no', notes: `${breakdown}; whole ledger (${allIds.rowCount} leavers) verifies: ${verified.valid} (${verified.rowsChecked} rows, ${s(verified.durationMs)})` },
        ...engineRows({ floor, floorPerTask, floorBaseline, mass, massMs: allMs, scaled, systems: SYSTEMS }),
        { measure: 'mass leaver: worker peak RSS (every burst)', result: `${mb(workerPeak)} MB`, goal: '<= 400 MB', met: workerPeak <= 400 * 1024 * 1024 ? 'yes' : 'no', notes: 'dist/apps/worker/src/main.js, NODE_ENV=production, /proc VmRSS' },
        { measure: 'mass leaver: API peak RSS (every burst)', result: `${mb(apiPeak)} MB`, goal: '<= 400 MB', met: apiPeak <= 400 * 1024 * 1024 ? 'yes' : 'no', notes: 'dist/apps/api/src/main.js, NODE_ENV=production, /proc VmRSS' },
      ],
    };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- worker ---\n${worker?.output() ?? ''}\n--- api ---\n${api?.output() ?? ''}`);
  } finally {
    await api?.stop();
    await worker?.stop();
    await idp.stop();
    await helpdesk.stop();
    await smtp.stop();
    await owner.end();
  }
}

export const identityKey = (i: number) => `B${String(i).padStart(5, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function pool<T, R>(items: T[], width: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

/** 12 systems (webhook, email, queue in turn), one owner, and `n` identities each holding one imported role over all 12. */
export async function seed(owner: Client, helpdeskUrl: string, n: number): Promise<void> {
  await owner.query(`INSERT INTO identity (key, username, name) VALUES ('bench-owner', 'bench-owner', 'Bench Owner')`);
  const entitlements: { system: string; entitlement: string }[] = [];
  for (let i = 1; i <= SYSTEMS; i++) {
    const key = `sys${String(i).padStart(2, '0')}`;
    const channel = ['webhook', 'email', 'queue'][(i - 1) % 3];
    const target = channel === 'webhook' ? helpdeskUrl : channel === 'email' ? `${key}-owners@example.org` : null;
    await owner.query(`INSERT INTO target_system (key, name, owners, channel, target, deprovision_sla_hours) VALUES ($1, $2, $3, $4, $5, 8)`,
      [key, `System ${i}`, ['bench-owner'], channel, target]);
    await owner.query(`INSERT INTO entitlement (system_key, key, name, privileged) VALUES ($1, $2, 'user', false), ($1, $3, 'admin', true)`, [key, `${key}.user`, `${key}.admin`]);
    entitlements.push({ system: key, entitlement: `${key}.user` }, { system: key, entitlement: `${key}.admin` });
  }
  await owner.query(`INSERT INTO role (key, latest_version) VALUES ('bench-all', 1)`);
  await owner.query(
    `INSERT INTO role_version (role_key, version, name, owner, risk, entitlements, approval_policy, created_by)
     VALUES ('bench-all', 1, 'Everything', 'bench-owner', 'low', $1::jsonb, '{"steps":[{"kind":"manager"}]}'::jsonb, 'bench')`,
    [JSON.stringify(entitlements)]);
  await owner.query(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES ('00000000-0000-4000-8000-000000000001', 'bench', 'bench', '{}')`);
  await owner.query(
    `INSERT INTO identity (key, username, name) SELECT 'B' || lpad(g::text, 5, '0'), 'b' || g, 'Leaver ' || g FROM generate_series(0, $1::int - 1) g`, [n]);
  await owner.query(
    `INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
     SELECT 'B' || lpad(g::text, 5, '0'), 'bench-all', 1, $2::jsonb, 'imported', '00000000-0000-4000-8000-000000000001', now()
       FROM generate_series(0, $1::int - 1) g`, [n, JSON.stringify(entitlements)]);
}
