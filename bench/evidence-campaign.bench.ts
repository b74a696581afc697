import { join } from 'node:path';
import { Client } from 'pg';
import { startDevIdp } from '../libs/auth/dev-idp/start-dev-idp';
import { personTokens } from '../libs/auth/dev-tokens';
import { freePort } from '../libs/devstack/ports';
import { downloadPacks, verifyPack } from './evidence-support';
import { startServiceProcess, type ServiceProcess } from './processes';
import { buildWorkflowBundle, percentile, productionEnv, type BenchResult, type BenchServices } from './support';

const ROLES = 8;
const MANAGERS = 10;

/**
 * The evidence pack of a certification campaign of 1,000 items (SPEC section 8): 125 people x 8
 * single-system assignments, reviewed by their managers (certify, every 50th revoked), signed off,
 * in remediation; then BENCH_EVIDENCE_RUNS packs (default 3) over HTTP and the pack's verify.mjs.
 * API and worker from dist/ in production mode. `npm run bench -- evidence-campaign`.
 */
export async function run(services: BenchServices): Promise<BenchResult> {
  const runs = Number(process.env.BENCH_EVIDENCE_RUNS ?? 3);
  const db = await services.freshDatabase();
  const owner = new Client({ connectionString: db.ownerUrl });
  await owner.connect();
  await seed(owner, 1000 / ROLES);
  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const idp = await startDevIdp({ port: idpPort, issuer, databaseUrl: db.serviceUrl, audience: 'jml-api', apiPublicUrl: apiUrl, keysDir: join(services.dataDir, `idp-${db.name}`) });
  const env = productionEnv({ services, db, issuer, apiUrl, queue: 'bench-evcamp', bundle: buildWorkflowBundle(services, db.name) });
  let api: ServiceProcess | null = null;
  let worker: ServiceProcess | null = null;
  try {
    worker = await startServiceProcess('worker', env);
    api = await startServiceProcess('api', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
    const headers = async (who: string) => ({ authorization: `Bearer ${(await personTokens(issuer, who)).accessToken}`, 'content-type': 'application/json' });
    const call = async <T>(method: string, path: string, h: Record<string, string>, body?: unknown) => {
      const res = await fetch(`${apiUrl}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      return (await res.json()) as T;
    };
    const admin = await headers('benchadm');
    const { id } = await call<{ id: string }>('POST', '/api/v1/certifications', admin, {
      name: 'Evidence bench', scope: { type: 'all' }, reviewer: 'manager', fallbackReviewer: 'benchfb',
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), deadlinePolicy: 'keep',
    });
    const status = async () => (await call<{ status: string; counts: { total: number } }>('GET', `/api/v1/certifications/${id}`, admin));
    await waitFor(async () => ((await status()).status === 'active' ? true : null));
    for (const reviewer of ['benchadm', ...Array.from({ length: MANAGERS }, (_, m) => `M${m}`)]) {
      const h = await headers(reviewer.toLowerCase());
      for (;;) {
        const page = await call<{ items: { id: string }[] }>('GET', `/api/v1/certifications/${id}/items?status=pending&limit=500&reviewer=${reviewer}`, h);
        if (page.items.length === 0) break;
        const decisions = page.items.map((i, n) => (n % 50 === 0 ? { item: i.id, decision: 'revoke', comment: 'no longer needed' } : { item: i.id, decision: 'certify' }));
        await call('POST', `/api/v1/certifications/${id}/decisions`, h, { decisions });
      }
      await call('POST', `/api/v1/certifications/${id}/sign-off`, h, {});
    }
    await waitFor(async () => ((await status()).status === 'remediating' ? true : null));
    const items = (await status()).counts.total;

    const { times, zip } = await downloadPacks(`${apiUrl}/api/v1/evidence?campaign=${encodeURIComponent(id)}`, { authorization: admin.authorization }, runs);
    const { verified, verifyMs, listing } = verifyPack(zip, join(services.dataDir, `campaign-pack-${db.name}`));
    const ms = (v: number) => `${Math.round(v)} ms`;
    return {
      name: 'evidence-campaign',
      rows: [
        { measure: `evidence pack: campaign of ${items} items, download (median / max of ${runs})`, result: `${ms(percentile(times, 50))} / ${ms(times[times.length - 1])}`, goal: 'reported', met: '', notes: 'decided by 11 reviewers in bulk, signed off, in remediation; API and worker from dist/ in production mode; 2 shared cores' },
        { measure: `evidence pack: campaign of ${items} items, ZIP size`, result: `${(zip.length / 1024).toFixed(1)} KB`, goal: 'reported', met: '', notes: listing.join(', ') },
        { measure: 'evidence pack (campaign): node verify.mjs', result: ms(verifyMs), goal: 'VERIFIED', met: verified.status === 0 ? 'yes' : 'no', notes: `${verified.stdout.split('\n').filter((l) => l.startsWith('VERDICT') || l.startsWith('  ')).join(' ')}${verified.stderr}`.slice(0, 400) },
      ],
    };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- worker ---\n${worker?.output() ?? ''}\n--- api ---\n${api?.output() ?? ''}`);
  } finally {
    await api?.stop();
    await worker?.stop();
    await idp.stop();
    await owner.end();
  }
}

/** 10 managers (reporting to benchadm) and their staff, each with 8 single-system assignments: `people` x 8 items. */
async function seed(owner: Client, people: number): Promise<void> {
  await owner.query(`INSERT INTO identity (key, username, email, name) VALUES ('benchadm', 'benchadm', 'benchadm@example.test', 'Bench Admin'), ('benchfb', 'benchfb', 'benchfb@example.test', 'Bench Fallback')`);
  await owner.query(`INSERT INTO app_role_assignment (identity_key, role, granted_by) VALUES ('benchadm', 'admin', 'bench')`);
  await owner.query(`INSERT INTO identity (key, username, email, name, manager) SELECT 'M' || g, 'm' || g, 'm' || g || '@example.test', 'Manager ' || g, 'benchadm' FROM generate_series(0, $1 - 1) g`, [MANAGERS]);
  await owner.query(`INSERT INTO identity (key, username, email, name, manager) SELECT 'I' || lpad(g::text, 6, '0'), 'i' || g, 'i' || g || '@example.test', 'Person ' || g, 'M' || (g % $2) FROM generate_series(0, $1 - 1) g`, [people - MANAGERS, MANAGERS]);
  await owner.query(`INSERT INTO target_system (key, name, owners, channel) SELECT 's' || k, 'System ' || k, '{benchfb}', 'queue' FROM generate_series(0, $1 - 1) k`, [ROLES]);
  await owner.query(`INSERT INTO entitlement (system_key, key, name) SELECT 's' || k, 'user', 'User' FROM generate_series(0, $1 - 1) k`, [ROLES]);
  await owner.query(`INSERT INTO role (key, latest_version) SELECT 'r' || k, 1 FROM generate_series(0, $1 - 1) k`, [ROLES]);
  await owner.query(`INSERT INTO role_version (role_key, version, name, owner, risk, entitlements, approval_policy, created_by)
                     SELECT 'r' || k, 1, 'Role ' || k, 'benchfb', 'low', jsonb_build_array(jsonb_build_object('system', 's' || k, 'entitlement', 'user')), '{"steps":[{"kind":"manager"}]}'::jsonb, 'bench'
                       FROM generate_series(0, $1 - 1) k`, [ROLES]);
  const { rows } = await owner.query(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES (gen_random_uuid(), 'bench', 'bench', '{}') RETURNING id`);
  await owner.query(`INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
                     SELECT i.key, 'r' || k, 1, jsonb_build_array(jsonb_build_object('system', 's' || k, 'entitlement', 'user')), 'imported', $1, now()
                       FROM identity i CROSS JOIN generate_series(0, $2 - 1) k WHERE i.key NOT IN ('benchadm', 'benchfb')`, [rows[0].id, ROLES]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 300_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(250);
  }
}
