import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { personTokens } from '../libs/auth/dev-tokens';
import { DEV_WEB_CLIENT } from '../libs/auth/dev-idp/clients';
import { startDevIdp } from '../libs/auth/dev-idp/start-dev-idp';
import { freePort } from '../libs/devstack/ports';
import { startServiceProcess, type ServiceProcess } from './processes';
import { benchCheckpointEnv, buildWorkflowBundle, jsonPoster, tuningEnv, mb, percentile, startBenchServices, type BenchResult, type BenchServices } from './support';

const RATE = Number(process.env.BENCH_REQUESTS_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_REQUESTS_SECONDS ?? 60);
const APPROVALS = Number(process.env.BENCH_REQUESTS_APPROVALS ?? 50);
const WARMUP_RATE = Number(process.env.BENCH_REQUESTS_WARMUP_RATE ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_REQUESTS_WARMUP_SECONDS ?? 10);

/**
 * Request intake (joiner POST at RATE/s for SECONDS s: p50/p95/p99, errors; after a warm-up of
 * WARMUP_SECONDS at WARMUP_RATE/s, reported on its own row) and approval-to-tasks-ready latency
 * (decision POST until every task of the request is delivered), with the API and worker as
 * production processes from the build, and their peak RSS.
 */
export async function run(given?: BenchServices): Promise<BenchResult> {
  const services = given ?? (await startBenchServices());
  const db = await services.freshDatabase();
  const owner = new PgClient({ connectionString: db.ownerUrl });
  await owner.connect();
  const procs: ServiceProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const idp = await startDevIdp({ port: idpPort, issuer, databaseUrl: db.serviceUrl, audience: 'jml-api', apiPublicUrl: 'http://127.0.0.1', keysDir: join(services.dataDir, `idp-${db.name}`) });
  try {
    for (const [key, role] of [['adm', 'admin'], ['req', 'requester'], ['mgr', null], ['own', null]] as const) {
      await owner.query(`INSERT INTO identity (key, username, email, name) VALUES ($1, $1, $1 || '@example.org', $1)`, [key]);
      if (role) await owner.query(`INSERT INTO app_role_assignment (identity_key, role, granted_by) VALUES ($1, $2, 'bench')`, [key, role]);
    }
    for (const s of ['ehr', 'pacs', 'vpn']) {
      await owner.query(`INSERT INTO target_system (key, name, owners, channel) VALUES ($1, $1, '{own}', 'queue')`, [s]);
      await owner.query(`INSERT INTO entitlement (system_key, key, name) VALUES ($1, 'user', 'user')`, [s]);
    }
    await owner.query(`INSERT INTO role (key, latest_version) VALUES ('clinician', 1)`);
    await owner.query(
      `INSERT INTO role_version (role_key, version, name, owner, risk, entitlements, approval_policy, created_by)
       VALUES ('clinician', 1, 'Clinician', 'own', 'low', $1::jsonb, '{"steps":[{"kind":"manager"}]}', 'bench')`,
      [JSON.stringify(['ehr', 'pacs', 'vpn'].map((system) => ({ system, entitlement: 'user' })))],
    );
    const port = await freePort();
    const env = {
      NODE_ENV: 'production', LOG_LEVEL: 'warn', ...benchCheckpointEnv(services.dataDir, db.name), DATABASE_URL: db.serviceUrl, TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_TASK_QUEUE: `bench-${db.name}`, WORKFLOW_BUNDLE: buildWorkflowBundle(services, db.name), DATA_DIR: services.dataDir,
      OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'jml-api', OIDC_CLIENT_ID: DEV_WEB_CLIENT.clientId, OIDC_CLIENT_SECRET: DEV_WEB_CLIENT.clientSecret,
      SESSION_SECRET: 'bench-session-secret-0123456789', PUBLIC_URL: `http://127.0.0.1:${port}`, RATE_LIMIT_PER_MINUTE: '10000000', AUTH_FAILURES_PER_MINUTE: '10000000',
      ...tuningEnv(),
    };
    // BENCH_CPU_PROF=<dir> is a diagnostic knob: both processes write V8 CPU profiles there.
    const execArgv = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    procs.push(await startServiceProcess('worker', env, execArgv));
    procs.push(await startServiceProcess('api', { ...env, PORT: String(port), HOST: '127.0.0.1' }, execArgv));
    const [worker, api] = procs;
    const taskQueue = env.TEMPORAL_TASK_QUEUE;
    const temporalConnection = await Connection.connect({ address: services.temporalAddress });
    const temporal = new Client({ connection: temporalConnection });
    closers.push(() => temporalConnection.close());
    const base = `http://127.0.0.1:${port}`;
    const auth = async (u: string) => ({ authorization: `Bearer ${(await personTokens(issuer, u)).accessToken}` });
    const [reqH, mgrH] = [await auth('req'), await auth('mgr')];
    const post = jsonPoster(base);

    // Intake at a fixed rate (open loop: a slow response does not slow the arrivals).
    const ids: string[] = [];
    const fire = async (rate: number, seconds: number, prefix: string) => {
      const latencies: number[] = [];
      let errors = 0;
      const why = new Map<string, number>();
      const failed = (kind: string) => (errors++, why.set(kind, (why.get(kind) ?? 0) + 1));
      const inflight: Promise<void>[] = [];
      const total = rate * seconds;
      const started = Date.now();
      for (let i = 0; i < total; i++) {
        const wait = started + (i * 1000) / rate - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t0 = performance.now();
        const n = `${prefix}${i}`;
        inflight.push(
          post('/api/v1/requests/joiner', reqH, {
            identity: { key: n, username: n.toLowerCase(), email: `${n.toLowerCase()}@example.org`, name: `Bench ${n}`, department: 'D', title: 'T', manager: 'mgr', startDate: '2027-01-04' },
            roles: ['clinician'], justification: 'bench',
          }).then((res) => {
            latencies.push(performance.now() - t0);
            if (res.status !== 202) failed(`${res.status} ${res.body.slice(0, 120)}`);
            else ids.push((JSON.parse(res.body) as { id: string }).id);
          }, (err: NodeJS.ErrnoException) => void failed(err.code ?? String(err))),
        );
      }
      await Promise.all(inflight);
      latencies.sort((x, y) => x - y);
      return { latencies, errors, why, total, rate: total / ((Date.now() - started) / 1000) };
    };
    // 1. Warm-up of the fresh processes (JIT, connection pools), short and slow so it leaves little
    // backlog for the measured minute; reported, not judged.
    const warm = WARMUP_SECONDS > 0 ? await fire(WARMUP_RATE, WARMUP_SECONDS, 'W') : null;
    // 2. The measured minute.
    const { latencies, errors, why, total, rate: achieved } = await fire(RATE, SECONDS, 'B');
    const intakeEnded = Date.now();

    // 3. The backlog the burst left: every accepted request planned and waiting for its approver.
    for (;;) {
      const r = await owner.query(`SELECT count(DISTINCT request_id)::int AS n FROM approval_step WHERE status = 'pending'`);
      if (r.rows[0].n >= ids.length) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    const drainedMs = Date.now() - intakeEnded;
    // 3b. ... and every workflow started and waiting for the decision in Temporal, not only in the
    // database (ADR 181 plans at intake, so the row is waiting before its workflow runs): no start
    // left in the outbox, no workflow task left in the task queue's backlog, and the last request's
    // workflow waiting on its reminder timer. Then each workflow's history is checked.
    const waiting = async (workflowId: string) =>
      !!(await temporal.workflow.getHandle(workflowId).fetchHistory()).events?.some((e) => e.timerStartedEventAttributes);
    const workflowIds = (await owner.query<{ workflow_id: string }>(`SELECT workflow_id FROM request WHERE id = ANY($1::uuid[]) ORDER BY created_at`, [ids])).rows.map((r) => r.workflow_id);
    for (;;) {
      const undelivered = (await owner.query(`SELECT count(*)::int AS n FROM workflow_outbox WHERE delivered_at IS NULL`)).rows[0].n;
      const queue = await temporal.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1, reportStats: true });
      const backlog = Number(queue.stats?.approximateBacklogCount ?? 0);
      if (undelivered === 0 && backlog === 0 && (await waiting(workflowIds[workflowIds.length - 1]))) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    const startedMs = Date.now() - intakeEnded;
    let notWaiting = 0;
    for (let i = 0; i < workflowIds.length; i += 20) {
      notWaiting += (await Promise.all(workflowIds.slice(i, i + 20).map(waiting))).filter((w) => !w).length;
    }
    const backlogMs = Math.max(drainedMs, startedMs);

    // 4. Approval -> every task of the request delivered, one request at a time, on the settled system.
    const approvalMs: number[] = [];
    for (const id of ids.slice(0, APPROVALS)) {
      const t0 = Date.now();
      await post(`/api/v1/requests/${id}/decisions`, mgrH, { decision: 'approve', comment: 'bench' });
      for (;;) {
        const r = await owner.query(`SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS d, count(*)::int AS n FROM task WHERE request_id = $1`, [id]);
        if (r.rows[0].n === 3 && r.rows[0].d === 3) break;
        await new Promise((res) => setTimeout(res, 10));
      }
      approvalMs.push(Date.now() - t0);
    }
    approvalMs.sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const p95 = percentile(latencies, 95);
    const a95 = percentile(approvalMs, 95);
    return {
      name: 'requests',
      rows: [
        {
          measure: `request intake: joiner POST at ${RATE}/s for ${SECONDS} s`,
          result: `p50 ${ms(percentile(latencies, 50))}, p95 ${ms(p95)}, p99 ${ms(percentile(latencies, 99))}, errors ${errors}/${total}`,
          goal: 'p95 <= 200 ms, zero errors',
          met: p95 <= 200 && errors === 0 ? 'yes' : 'no',
          notes: `achieved ${achieved.toFixed(1)} req/s; API and worker are separate processes${errors ? `; errors: ${[...why].map(([k, n]) => `${n} x ${k}`).join(', ')}` : ''}`,
        },
        {
          measure: `intake backlog: every request of the ${SECONDS} s planned and waiting for its approver`,
          result: `${(backlogMs / 1000).toFixed(1)} s after the last response (database: step 1 open ${(drainedMs / 1000).toFixed(1)} s; Temporal: every workflow waiting ${(startedMs / 1000).toFixed(1)} s)`,
          goal: '<= 10 s',
          met: backlogMs <= 10_000 && notWaiting === 0 ? 'yes' : 'no',
          notes: `the later of the two; Temporal: no start in the outbox, no workflow task in the queue's backlog, the last workflow on its reminder timer; then every history checked: ${notWaiting} of ${workflowIds.length} not yet waiting`,
        },
        ...(warm
          ? [{
              measure: `request intake warm-up, before the measured minute: ${warm.total / WARMUP_SECONDS}/s for ${WARMUP_SECONDS} s on fresh processes`,
              result: `p50 ${ms(percentile(warm.latencies, 50))}, p95 ${ms(percentile(warm.latencies, 95))}, errors ${warm.errors}/${warm.total}`,
              goal: 'not judged',
              met: '-',
              notes: 'JIT and connection pools warm up here; its workflows are still being planned during the measured minute',
            }]
          : []),
        {
          measure: `approval decision to tasks delivered (3 systems, ${approvalMs.length} requests)`,
          result: `p50 ${ms(percentile(approvalMs, 50))}, p95 ${ms(a95)}`,
          goal: 'p95 <= 1 s',
          met: a95 <= 1000 ? 'yes' : 'no',
          notes: 'decision POST until every task row has delivered_at (queue channel), measured after the intake backlog drained',
        },
        {
          measure: 'memory during the request benchmarks',
          result: `api ${mb(api.peakRss())} MB, worker ${mb(worker.peakRss())} MB peak RSS`,
          goal: '<= 400 MB each',
          met: api.peakRss() <= 400 * 2 ** 20 && worker.peakRss() <= 400 * 2 ** 20 ? 'yes' : 'no',
          notes: 'dist/apps/{api,worker}/src/main.js, NODE_ENV=production, /proc VmRSS',
        },
      ],
    };
  } finally {
    for (const close of closers) await close();
    for (const p of procs.reverse()) await p.stop();
    await idp.stop();
    await owner.end();
    if (!given) await services.stop();
  }
}

if (require.main === module) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (err) => (console.error(err), process.exit(1)));
}
