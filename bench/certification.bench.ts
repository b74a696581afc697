import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startDevIdp } from '../libs/auth/dev-idp/start-dev-idp';
import { personTokens } from '../libs/auth/dev-tokens';
import { freePort } from '../libs/devstack/ports';
import { startServiceProcess, type ServiceProcess } from './processes';
import { buildWorkflowBundle, mb, productionEnv, type BenchResult, type BenchServices } from './support';

const ROLES = 8;
const MANAGERS = 10;
/** A small team (its manager S0 and members T*) for the remediation measure, part of the identities. */
const TEAM = 49;

interface CampaignBody {
  status: string;
  counts: { total: number };
}

interface ItemsPage {
  items: { id: string }[];
  nextCursor: string | null;
}

/**
 * Certification at scale (issue 13): BENCH_CERT_IDENTITIES (default 10,000) identities x 8
 * single-system assignments, a campaign over `all` reviewed by managers (10 managers, so each
 * reviews ~8,000 items and bulk calls can be full), through the real API and worker processes
 * from dist/ (NODE_ENV=production) with dev-IdP tokens. Measures POST to `active` with every item
 * written, bulk decisions over 1,000-item calls, and peak RSS of both processes.
 * Runnable alone: `npm run bench -- certification`.
 */
export async function run(services: BenchServices): Promise<BenchResult> {
  const identities = Number(process.env.BENCH_CERT_IDENTITIES ?? 10_000);
  const decideCalls = Number(process.env.BENCH_CERT_DECISION_CALLS ?? 16);
  const db = await services.freshDatabase();
  const owner = new Client({ connectionString: db.ownerUrl });
  await owner.connect();
  await seed(owner, identities);
  const bundle = buildWorkflowBundle(services, db.name);
  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const idp = await startDevIdp({ port: idpPort, issuer, databaseUrl: db.serviceUrl, audience: 'jml-api', apiPublicUrl: apiUrl, keysDir: join(services.dataDir, `idp-${db.name}`) });
  const env = productionEnv({ services, db, issuer, apiUrl, queue: 'bench-cert', bundle });
  let api: ServiceProcess | null = null;
  let worker: ServiceProcess | null = null;
  try {
    worker = await startServiceProcess('worker', env);
    api = await startServiceProcess('api', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
    const headers = async (who: string) => ({ authorization: `Bearer ${(await personTokens(issuer, who)).accessToken}`, 'content-type': 'application/json' });
    const admin = await headers('benchadm');
    const call = async <T = Record<string, unknown>>(method: string, path: string, h: Record<string, string>, body?: unknown) => {
      const res = await fetch(`${apiUrl}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as T };
    };

    const t0 = Date.now();
    const started = await call<{ id: string }>('POST', '/api/v1/certifications', admin, {
      name: 'bench', scope: { type: 'all' }, reviewer: 'manager', fallbackReviewer: 'benchfb',
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), deadlinePolicy: 'keep',
    });
    if (started.status !== 202) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
    const id = started.body.id;
    let campaign: CampaignBody;
    for (;;) {
      campaign = (await call<CampaignBody>('GET', `/api/v1/certifications/${id}`, admin)).body;
      if (campaign.status === 'active') break;
      if (Date.now() - t0 > 600_000) throw new Error(`not active after 600 s: ${JSON.stringify(campaign.counts)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const activeMs = Date.now() - t0;
    const generationPeak = { api: api.peakRss(), worker: worker.peakRss() };

    // Bulk decisions: full 1,000-item calls by the managers, certify with every 50th a revoke.
    const latencies: number[] = [];
    let decided = 0;
    const d0 = Date.now();
    for (let m = 0, calls = 0; m < MANAGERS && calls < decideCalls; m++) {
      const reviewer = `M${m}`;
      const h = await headers(reviewer.toLowerCase());
      for (let cursor: string | null = null; calls < decideCalls;) {
        const list = (after: string | null) => call<ItemsPage>('GET', `/api/v1/certifications/${id}/items?status=pending&limit=500${after ? `&cursor=${after}` : ''}`, h);
        const page = await list(cursor);
        const more = page.body.nextCursor ? (await list(page.body.nextCursor)).body.items : [];
        const ids = [...page.body.items, ...more].map((i) => i.id);
        if (ids.length === 0) break;
        const decisions = ids.map((item, n) => (n % 50 === 0 ? { item, decision: 'revoke', comment: 'bench revoke' } : { item, decision: 'certify' }));
        const s = Date.now();
        const res = await call('POST', `/api/v1/certifications/${id}/decisions`, h, { decisions });
        if (res.status !== 200) throw new Error(`decisions: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        latencies.push(Date.now() - s);
        decided += ids.length;
        calls++;
        cursor = null; // decided items are no longer pending: the next page starts over
      }
    }
    const decideMs = latencies.reduce((a, b) => a + b, 0);
    const remediation = await measureRemediation(call, admin, await headers('s0'), owner);
    const perSecond = decided / (decideMs / 1000);
    const apiPeak = api.peakRss();
    const workerPeak = worker.peakRss();
    const note = `${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end of the run; ${identities} identities x ${ROLES} assignments, scope all, reviewer manager; API and worker from dist/ in production mode`;
    return {
      name: 'certification',
      rows: [
        { measure: `certification: POST to active, ${campaign.counts.total} items`, result: `${(activeMs / 1000).toFixed(1)} s`, goal: '<= 120 s', met: activeMs <= 120_000 ? 'yes' : 'no', notes: note },
        { measure: 'certification: bulk decisions (1,000-item calls)', result: `${Math.round(perSecond)} items/s`, goal: '>= 500 items/s', met: perSecond >= 500 ? 'yes' : 'no',
          notes: `${decided} items in ${latencies.length} calls, per call ms min ${Math.min(...latencies)} max ${Math.max(...latencies)}; wall ${Date.now() - d0} ms incl. item listing` },
        { measure: 'certification: last revoke decision to every revoke ticket delivered', result: `${(remediation.ms / 1000).toFixed(1)} s`, goal: 'reported', met: 'yes',
          notes: `${remediation.tasks} revoke tasks (queue channel) of a ${remediation.items}-item campaign; the clock includes the reviewer's sign-off call and the review closing` },
        { measure: 'certification: API peak RSS', result: `${mb(apiPeak)} MB`, goal: '<= 400 MB', met: apiPeak <= 400 * 1024 * 1024 ? 'yes' : 'no', notes: `during generation ${mb(generationPeak.api)} MB; /proc VmRSS` },
        { measure: 'certification: worker peak RSS', result: `${mb(workerPeak)} MB`, goal: '<= 400 MB', met: workerPeak <= 400 * 1024 * 1024 ? 'yes' : 'no', notes: `during generation ${mb(generationPeak.worker)} MB; /proc VmRSS` },
      ],
    };
  } finally {
    await api?.stop();
    await worker?.stop();
    await idp.stop();
    await owner.end();
  }
}

type Call = <T = Record<string, unknown>>(method: string, path: string, h: Record<string, string>, body?: unknown) => Promise<{ status: number; body: T }>;

/**
 * A second, small campaign (S0's team): S0 certifies most items and revokes one in BENCH_CERT_REVOKE_EVERY (8) in one
 * call, signs off, and the clock runs until every revoke task's ticket is recorded delivered.
 */
async function measureRemediation(call: Call, admin: Record<string, string>, s0: Record<string, string>, owner: Client) {
  const started = await call<{ id: string }>('POST', '/api/v1/certifications', admin, {
    name: 'bench remediation', scope: { type: 'manager', key: 'S0' }, reviewer: 'manager', fallbackReviewer: 'benchfb',
    dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), deadlinePolicy: 'keep',
  });
  const id = started.body.id;
  for (let c: CampaignBody | null = null; c?.status !== 'active'; await new Promise((r) => setTimeout(r, 200))) {
    c = (await call<CampaignBody>('GET', `/api/v1/certifications/${id}`, admin)).body;
  }
  const items = (await call<ItemsPage>('GET', `/api/v1/certifications/${id}/items?limit=500`, s0)).body.items;
  // BENCH_CERT_REVOKE_EVERY=1 revokes the whole team: a wave of one task per person and system (ADR 130).
  const every = Number(process.env.BENCH_CERT_REVOKE_EVERY ?? 8);
  const decisions = items.map((i, n) => (n % every === 0 ? { item: i.id, decision: 'revoke', comment: 'bench revoke' } : { item: i.id, decision: 'certify' }));
  const res = await call('POST', `/api/v1/certifications/${id}/decisions`, s0, { decisions });
  if (res.status !== 200) throw new Error(`remediation decisions: ${res.status}`);
  const t0 = Date.now();
  await call('POST', `/api/v1/certifications/${id}/sign-off`, s0);
  for (;;) {
    // Every task is open once remediation_started is recorded (one task per person and system, so fewer than revokes).
    const { rows } = await owner.query(
      `SELECT count(*)::int AS n, count(delivered_at)::int AS delivered,
              EXISTS (SELECT 1 FROM audit_event WHERE campaign_id = $1 AND action = 'certification.remediation_started') AS opened
         FROM task WHERE campaign_id = $1`, [id]);
    if (rows[0].opened && rows[0].n > 0 && rows[0].delivered === rows[0].n) return { ms: Date.now() - t0, tasks: rows[0].n as number, items: items.length };
    if (Date.now() - t0 > 300_000) throw new Error(`remediation tickets: ${rows[0].delivered}/${rows[0].n} after 300 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The organisation, catalog and access, set-based as the schema owner (set-up, not audited). */
async function seed(owner: Client, identities: number): Promise<void> {
  await owner.query(`INSERT INTO identity (key, username, email, name) VALUES ('benchadm', 'benchadm', 'benchadm@example.test', 'Bench Admin'),
                       ('benchfb', 'benchfb', 'benchfb@example.test', 'Bench Fallback')`);
  await owner.query(`INSERT INTO app_role_assignment (identity_key, role, granted_by) VALUES ('benchadm', 'admin', 'bench')`);
  await owner.query(`INSERT INTO identity (key, username, email, name, manager)
                     SELECT 'M' || g, 'm' || g, 'm' || g || '@example.test', 'Manager ' || g, 'benchadm' FROM generate_series(0, $1 - 1) g`, [MANAGERS]);
  await owner.query(`INSERT INTO identity (key, username, email, name, manager) VALUES ('S0', 's0', 's0@example.test', 'Small team lead', 'benchadm')`);
  await owner.query(`INSERT INTO identity (key, username, email, name, manager)
                     SELECT 'T' || g, 't' || g, 't' || g || '@example.test', 'Team member ' || g, 'S0' FROM generate_series(0, $1 - 1) g`, [TEAM]);
  await owner.query(`INSERT INTO identity (key, username, email, name, manager)
                     SELECT 'I' || lpad(g::text, 6, '0'), 'i' || g, 'i' || g || '@example.test', 'Person ' || g, 'M' || (g % $2)
                       FROM generate_series(0, $1 - 1) g`, [identities - MANAGERS - 1 - TEAM, MANAGERS]);
  await owner.query(`INSERT INTO target_system (key, name, owners, channel) SELECT 's' || k, 'System ' || k, '{benchfb}', 'queue' FROM generate_series(0, $1 - 1) k`, [ROLES]);
  await owner.query(`INSERT INTO entitlement (system_key, key, name, privileged) SELECT 's' || k, 'user', 'User', k = 0 FROM generate_series(0, $1 - 1) k`, [ROLES]);
  await owner.query(`INSERT INTO role (key, latest_version) SELECT 'r' || k, 1 FROM generate_series(0, $1 - 1) k`, [ROLES]);
  await owner.query(`INSERT INTO role_version (role_key, version, name, owner, risk, entitlements, approval_policy, created_by)
                     SELECT 'r' || k, 1, 'Role ' || k, 'benchfb', 'low', jsonb_build_array(jsonb_build_object('system', 's' || k, 'entitlement', 'user')),
                            '{"steps":[{"kind":"manager"}]}'::jsonb, 'bench' FROM generate_series(0, $1 - 1) k`, [ROLES]);
  const { rows } = await owner.query(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES (gen_random_uuid(), 'bench', 'bench', '{}') RETURNING id`);
  await owner.query(`INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
                     SELECT i.key, 'r' || k, 1, jsonb_build_array(jsonb_build_object('system', 's' || k, 'entitlement', 'user')), 'imported', $1,
                            now() - (k * 100 || ' days')::interval
                       FROM identity i CROSS JOIN generate_series(0, $2 - 1) k WHERE i.key NOT IN ('benchadm', 'benchfb')`, [rows[0].id, ROLES]);
}
