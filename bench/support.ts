import { execFileSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../libs/devstack/postgres';
import { freePort } from '../libs/devstack/ports';
import { startTemporalDevServer } from '../libs/devstack/temporal-server';
import { DEV_WEB_CLIENT } from '../libs/auth/dev-idp/clients';
import { findTemporalCli } from '../libs/temporal/cli-binary';
import { WORKER_TUNING_ENV } from '../libs/temporal/worker-tuning';

/** Real services for benchmarks: a fresh embedded PostgreSQL and Temporal dev server, like the tests. */
export interface BenchServices {
  ownerUrl: string;
  serviceUrl: string;
  temporalAddress: string;
  temporalCli: string;
  dataDir: string;
  /** A new, migrated database: `{ serviceUrl, ownerUrl }`. */
  freshDatabase(): Promise<{ name: string; serviceUrl: string; ownerUrl: string }>;
  /**
   * Drops the databases made since the last call, then checkpoints: a bench leaves no background
   * work (autovacuum of a million fresh ledger rows, dirty pages) to run during the next one.
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const withDb = (url: string, name: string) => url.replace(/\/[^/]+$/, `/${name}`);

export async function startBenchServices(): Promise<BenchServices> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jml-bench-'));
  const temporalCli = findTemporalCli({ log: (l) => process.stderr.write(`${l}\n`) });
  if (!temporalCli) throw new Error('No Temporal CLI');
  const [db, temporal] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir, port })),
    freePort().then((port) => startTemporalDevServer({ cliPath: temporalCli, dataDir, port, uiPort: null })),
  ]);
  const root = join(__dirname, '..', '..');
  const made: string[] = [];
  const migrateInto = (ownerUrl: string, serviceUrl: string) =>
    execFileSync(process.execPath, [join(root, 'dist/libs/persistence/migrate.cli.js')], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: serviceUrl, DATABASE_MIGRATION_URL: ownerUrl },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  migrateInto(db.ownerUrl, db.serviceUrl);
  return {
    ownerUrl: db.ownerUrl,
    serviceUrl: db.serviceUrl,
    temporalAddress: temporal.address,
    temporalCli,
    dataDir,
    async settle() {
      const admin = new Client({ connectionString: withDb(db.ownerUrl, 'postgres') });
      await admin.connect();
      try {
        for (const name of made.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query('CHECKPOINT');
      } finally {
        await admin.end();
      }
    },
    async freshDatabase() {
      const name = `b_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      made.push(name);
      const admin = new Client({ connectionString: withDb(db.ownerUrl, 'postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const fresh = { name, ownerUrl: withDb(db.ownerUrl, name), serviceUrl: withDb(db.serviceUrl, name) };
      migrateInto(fresh.ownerUrl, fresh.serviceUrl);
      return fresh;
    },
    async stop() {
      await temporal.stop();
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A production worker runs a prebuilt bundle (`WORKFLOW_BUNDLE`); built here from this very dist/
 * so a benchmark never measures a stale one. Returns its path.
 */
export function buildWorkflowBundle(services: BenchServices, name: string): string {
  const bundle = join(services.dataDir, `workflow-bundle-${name}.js`);
  execFileSync(process.execPath, [join(__dirname, '..', 'libs', 'temporal', 'bundle.cli.js'), bundle], { stdio: ['ignore', 'ignore', 'inherit'] });
  return bundle;
}

/** The worker tuning variables (libs/temporal/worker-tuning.ts) set for this bench run, passed on to every worker it starts. */
export function tuningEnv(): Record<string, string> {
  return Object.fromEntries(WORKER_TUNING_ENV.filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const i = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, i)];
}

export const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));

export interface BenchResult {
  name: string;
  rows: Record<string, string | number>[];
}

/** Production-mode processes need a checkpoint signing key: a fresh Ed25519 key per bench run. */
export function benchCheckpointEnv(dataDir: string, dbName: string): Record<string, string> {
  const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { CHECKPOINT_SIGNING_KEY: key, CHECKPOINT_DIR: join(dataDir, `checkpoints-${dbName}`) };
}

/**
 * The environment of a production-mode API and worker for a bench: the bench's database, its own
 * task queue and workflow bundle, the dev IdP as the organisation's issuer, a fresh checkpoint key,
 * and no rate limit (one address drives the whole load). `extra` adds or overrides variables.
 */
export function productionEnv(o: {
  services: BenchServices; db: { name: string; serviceUrl: string }; issuer: string; apiUrl: string;
  queue: string; bundle: string; extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'production', LOG_LEVEL: 'warn', DATA_DIR: o.services.dataDir, DATABASE_URL: o.db.serviceUrl,
    TEMPORAL_ADDRESS: o.services.temporalAddress, TEMPORAL_TASK_QUEUE: `${o.queue}-${o.db.name}`, WORKFLOW_BUNDLE: o.bundle,
    OIDC_ISSUER: o.issuer, OIDC_AUDIENCE: 'jml-api', OIDC_CLIENT_ID: DEV_WEB_CLIENT.clientId, OIDC_CLIENT_SECRET: DEV_WEB_CLIENT.clientSecret,
    SESSION_SECRET: 'bench-session-secret-0123456789', PUBLIC_URL: o.apiUrl, RATE_LIMIT_PER_MINUTE: '10000000', AUTH_FAILURES_PER_MINUTE: '10000000',
    ...benchCheckpointEnv(o.services.dataDir, o.db.name), ...tuningEnv(), ...o.extra,
  };
}

/**
 * A load generator's POST of a JSON body over kept-alive connections (node:http): the bench runs
 * on the same two cores as the product, and undici's `fetch` cost the client about twice the CPU
 * per request (docs/adr-181). Resolves when the whole response is read; rejects on a socket error.
 */
export function jsonPoster(base: string): (path: string, headers: Record<string, string>, body: unknown) => Promise<{ status: number; body: string }> {
  // Idle sockets close after 4 s, before the server's keep-alive timeout (Node's 5 s) can close one
  // under a request being sent on it (ECONNRESET, which would count as an error of the product).
  const agent = new Agent({ keepAlive: true, maxSockets: 512, timeout: 4000 });
  const { hostname, port } = new URL(base);
  return (path, headers, body) =>
    new Promise((resolve, reject) => {
      const payload = Buffer.from(JSON.stringify(body));
      const req = request(
        { agent, hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}
