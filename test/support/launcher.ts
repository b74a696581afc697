import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client as PgClient } from 'pg';
import { freePort } from '../../libs/devstack/ports';
import { createIdentity } from './auth';
import { grantImported, seedSystems } from './leaver-fixtures';
import { services } from './services';

/** `npm start`'s compiled launcher as a child, its output collected. */
export interface LaunchedStack {
  child: ChildProcess;
  output: () => string;
  /** Resolves once the launcher prints that the stack is running. */
  running: Promise<void>;
  exited: Promise<number | null>;
}

export function launchStack(env: NodeJS.ProcessEnv): LaunchedStack {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist/libs/devstack/start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const running = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('JML governance service is running')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`launcher exited (${code}) before it was running:\n${out}`));
    });
  });
  return { child, output: () => out, running, exited };
}

/** The schema owner of a launched stack's embedded PostgreSQL (its goodbye at stop is expected). */
export const launchedOwnerUrl = (pgPort: string | undefined) => `postgres://postgres:jml-dev-owner@127.0.0.1:${pgPort}/jml`;

export async function ownerClient(pgPort: string | undefined): Promise<PgClient> {
  const owner = new PgClient({ connectionString: launchedOwnerUrl(pgPort) });
  owner.on('error', () => undefined);
  await owner.connect();
  return owner;
}

/** A queue system owned by `ownerKey` (a system owner) and leavers with access to it only. */
export async function seedQueueLeavers(owner: PgClient, pgPort: string | undefined, ownerKey: string, system: string, leavers: string[]): Promise<void> {
  const dbUrl = launchedOwnerUrl(pgPort);
  const db = { name: 'jml', ownerUrl: dbUrl, serviceUrl: dbUrl, drop: async () => undefined };
  await createIdentity(db, { key: ownerKey, name: 'Queue Owner', roles: ['system_owner'] });
  for (const key of leavers) await createIdentity(db, { key, name: `Leaver ${key}` });
  await seedSystems(owner, [{ key: system, channel: 'queue', target: null, slaHours: 8, owners: [ownerKey] }]);
  await grantImported(owner, `role-${system}`, ownerKey, [system], leavers);
}

/** The environment of a launched stack on free ports with its own DATA_DIR (no external services). */
export async function launcherEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const [port, pg, temporal, ui, idp] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pg),
    TEMPORAL_PORT: String(temporal),
    TEMPORAL_UI_PORT: String(ui),
    DEV_IDP_PORT: String(idp),
    TEMPORAL_CLI: services().temporalCli,
  };
  for (const k of ['DATABASE_URL', 'DATABASE_MIGRATION_URL', 'TEMPORAL_ADDRESS', 'OIDC_ISSUER']) delete env[k];
  return env;
}

/**
 * mkdtemp makes DATA_DIR 0700: as root, the postgres user cannot reach it and the data lives under
 * /var/tmp/jml-governance (ADR 080), named by postgres.location. Removes both (and anything a
 * restore moved aside there).
 */
export function removeLauncherData(dataDir: string): void {
  const moved = join(dataDir, 'postgres.location');
  if (existsSync(moved)) rmSync(dirname(readFileSync(moved, 'utf8').trim()), { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
