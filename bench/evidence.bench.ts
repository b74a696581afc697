import { join } from 'node:path';
import { Client } from 'pg';
import { startDevIdp } from '../libs/auth/dev-idp/start-dev-idp';
import { integrationToken, personTokens } from '../libs/auth/dev-tokens';
import { freePort } from '../libs/devstack/ports';
import { durationToMs } from '../libs/domain/sla';
import { downloadPacks, verifyPack } from './evidence-support';
import { startServiceProcess, type ServiceProcess } from './processes';
import { buildWorkflowBundle, percentile, productionEnv, type BenchResult, type BenchServices } from './support';

const SYSTEMS = 12;

/**
 * The evidence pack of a leaver on 12 systems (SPEC section 8): the real API and worker from dist/
 * (NODE_ENV=production), a ledger already holding BENCH_EVIDENCE_BACKGROUND rows (default 20,000)
 * written since the last checkpoint (CHECKPOINT_INTERVAL = BENCH_EVIDENCE_INTERVAL, default 15m: so
 * the pack's chain segment spans all of them, the heavy case), then the leaver, its 12 revoke tasks attested by the owner,
 * and BENCH_EVIDENCE_RUNS packs (default 5) downloaded over HTTP. Each pack is checked with its own
 * verify.mjs. Reported: download time (median, max), ZIP size, chain rows, verifier time.
 */
export async function run(services: BenchServices): Promise<BenchResult> {
  const runs = Number(process.env.BENCH_EVIDENCE_RUNS ?? 5);
  const background = Number(process.env.BENCH_EVIDENCE_BACKGROUND ?? 20_000);
  const interval = process.env.BENCH_EVIDENCE_INTERVAL ?? '15m';
  const db = await services.freshDatabase();
  const owner = new Client({ connectionString: db.ownerUrl });
  await owner.connect();
  await seed(owner);
  const service = new Client({ connectionString: db.serviceUrl });
  await service.connect();
  await service.query(
    `INSERT INTO audit_event (actor_type, actor_id, actor_name, action, subject_type, subject_id, details, idempotency_key, seq, occurred_at, prev_hash, hash)
     SELECT 'system', 'system:bench', 'bench', 'bench.background', 'bench', g::text, jsonb_build_object('g', g), 'bench:' || g, 0, now(), '', ''
       FROM generate_series(1, $1::int) g`, [background]);
  await service.end();

  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const idp = await startDevIdp({ port: idpPort, issuer, databaseUrl: db.serviceUrl, audience: 'jml-api', apiPublicUrl: apiUrl, keysDir: join(services.dataDir, `idp-${db.name}`) });
  const env = productionEnv({
    services, db, issuer, apiUrl, queue: 'bench-evidence', bundle: buildWorkflowBundle(services, db.name),
    extra: { CHECKPOINT_INTERVAL: interval, OIDC_CLIENT_ROLES: 'hr-system:hr' },
  });
  let api: ServiceProcess | null = null;
  let worker: ServiceProcess | null = null;
  try {
    worker = await startServiceProcess('worker', env);
    api = await startServiceProcess('api', { ...env, PORT: String(apiPort), HOST: '127.0.0.1' });
    // A short interval (the light case): let a scheduled checkpoint land after the background rows.
    if (durationToMs(interval) <= 10_000) await sleep(2 * durationToMs(interval));
    const hr = { authorization: `Bearer ${await integrationToken(issuer, 'hr-system')}`, 'content-type': 'application/json' };
    const started = await fetch(`${apiUrl}/api/v1/requests/leaver`, { method: 'POST', headers: hr, body: JSON.stringify({ identity: 'L1', reason: 'voluntary' }) });
    const { id } = (await started.json()) as { id: string };
    const ownerAuth = { authorization: `Bearer ${(await personTokens(issuer, 'bench-owner')).accessToken}`, 'content-type': 'application/json' };
    const tasks = await waitFor(async () => {
      const r = await owner.query<{ id: string }>(`SELECT id FROM task WHERE request_id = $1 AND delivered_at IS NOT NULL`, [id]);
      return r.rows.length === SYSTEMS ? r.rows : null;
    });
    for (const t of tasks) {
      const res = await fetch(`${apiUrl}/api/v1/tasks/${t.id}/complete`, { method: 'POST', headers: ownerAuth, body: JSON.stringify({ note: 'removed', externalRef: `HD-${t.id.slice(0, 8)}` }) });
      if (res.status !== 200) throw new Error(`task completion ${res.status}: ${await res.text()}`);
    }
    await waitFor(async () => ((await owner.query(`SELECT 1 FROM request WHERE id = $1 AND status = 'completed'`, [id])).rowCount ? true : null));

    const auditor = { authorization: `Bearer ${(await personTokens(issuer, 'bench-auditor')).accessToken}` };
    const { times, zip } = await downloadPacks(`${apiUrl}/api/v1/evidence?identity=L1`, auditor, runs);
    const size = zip.length;
    const { verified, verifyMs, listing } = verifyPack(zip, join(services.dataDir, `pack-${db.name}`));
    const chainLine = /chain\.jsonl: (\d+) rows in (\d+)/.exec(verified.stdout);
    const ms = (v: number) => `${Math.round(v)} ms`;
    return {
      name: 'evidence',
      rows: [
        { measure: `evidence pack: leaver on ${SYSTEMS} systems, download (median / max of ${runs})`, result: `${ms(percentile(times, 50))} / ${ms(times[times.length - 1])}`, goal: 'reported', met: '', notes: `${background.toLocaleString('en')} ledger rows before the leaver, checkpoint interval ${interval}; chain ${chainLine?.[1] ?? '?'} rows in ${chainLine?.[2] ?? '?'} segment(s)` },
        { measure: `evidence pack: leaver on ${SYSTEMS} systems, ZIP size`, result: `${(size / 1024).toFixed(1)} KB`, goal: 'reported', met: '', notes: listing.join(', ') },
        { measure: 'evidence pack: node verify.mjs', result: ms(verifyMs), goal: 'VERIFIED', met: verified.status === 0 ? 'yes' : 'no', notes: `${verified.stdout.split('\n').filter((l) => l.startsWith('VERDICT') || l.startsWith('  - ')).join(' ')}${verified.stderr}`.slice(0, 300) },
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

async function seed(owner: Client): Promise<void> {
  await owner.query(`INSERT INTO identity (key, username, name) VALUES ('bench-owner', 'bench-owner', 'Bench Owner'), ('bench-auditor', 'bench-auditor', 'Bench Auditor')`);
  await owner.query(`INSERT INTO app_role_assignment (identity_key, role, granted_by) VALUES ('bench-auditor', 'auditor', 'bench')`);
  const entitlements: { system: string; entitlement: string }[] = [];
  for (let i = 1; i <= SYSTEMS; i++) {
    const key = `sys${String(i).padStart(2, '0')}`;
    await owner.query(`INSERT INTO target_system (key, name, owners, channel, target, deprovision_sla_hours) VALUES ($1, $2, $3, 'queue', NULL, 8)`, [key, `System ${i}`, ['bench-owner']]);
    await owner.query(`INSERT INTO entitlement (system_key, key, name, privileged) VALUES ($1, $2, 'user', false)`, [key, `${key}.user`]);
    entitlements.push({ system: key, entitlement: `${key}.user` });
  }
  await owner.query(`INSERT INTO role (key, latest_version) VALUES ('bench-all', 1)`);
  await owner.query(
    `INSERT INTO role_version (role_key, version, name, owner, risk, entitlements, approval_policy, created_by)
     VALUES ('bench-all', 1, 'Everything', 'bench-owner', 'low', $1::jsonb, '{"steps":[{"kind":"manager"}]}'::jsonb, 'bench')`,
    [JSON.stringify(entitlements)]);
  await owner.query(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES ('00000000-0000-4000-8000-000000000001', 'bench', 'bench', '{}')`);
  await owner.query(`INSERT INTO identity (key, username, name, manager) VALUES ('L1', 'leaver1', 'Lee Leaver', 'bench-owner')`);
  await owner.query(
    `INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
     VALUES ('L1', 'bench-all', 1, $1::jsonb, 'imported', '00000000-0000-4000-8000-000000000001', now())`, [JSON.stringify(entitlements)]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(100);
  }
}
