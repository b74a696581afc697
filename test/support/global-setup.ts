import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../libs/devstack/postgres';
import { freePort } from '../../libs/devstack/ports';
import { startTemporalDevServer } from '../../libs/devstack/temporal-server';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findTemporalCli } from '../../libs/temporal/cli-binary';
import { findChromium } from '../../libs/devstack/chromium';

/**
 * Starts the real services once per test run: an embedded PostgreSQL (or the one in
 * TEST_DATABASE_URL, as owner) and a Temporal dev server. The migrated `jml` database is the
 * template from which each test file clones a database of its own (`freshDatabase()`).
 * Connection details reach the test files through environment variables.
 */
export default async function globalSetup(): Promise<void> {
  const log = (l: string) => process.stderr.write(`[test setup] ${l}\n`);
  const dataDir = mkdtempSync(join(tmpdir(), 'jml-test-'));
  // mkdtemp makes it 0700; this directory is the run's own, so let a root run's `postgres` user
  // in rather than have the data moved under /var/tmp for every run.
  chmodSync(dataDir, 0o755);
  const cliPath = findTemporalCli({ log });
  if (!cliPath) throw new Error('No Temporal CLI (install Go to build it, or set TEMPORAL_CLI)');
  // The web app's browser tests need Chromium: found or installed here once, never skipped.
  const chromium = findChromium(log);

  const [db, temporal] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir, port, log })),
    freePort().then((port) => startTemporalDevServer({ cliPath, dataDir, port, uiPort: null, log })),
  ]);
  // Migrations run from the compiled build in a child process, as `npm run migrate` does: loading
  // MikroORM here would share its metadata store with the tests' own realm.
  const root = join(__dirname, '..', '..');
  if (!existsSync(join(root, 'dist/libs/persistence/migrate.cli.js'))) {
    execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  }
  execFileSync(process.execPath, [join(root, 'dist/libs/persistence/migrate.cli.js')], {
    env: { ...process.env, DATABASE_URL: db.serviceUrl, DATABASE_MIGRATION_URL: db.ownerUrl, NODE_ENV: 'test' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A template database cannot have other connections while it is cloned.
  const admin = new Client({ connectionString: db.ownerUrl.replace(/\/jml$/, '/postgres') });
  await admin.connect();
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'jml' AND pid <> pg_backend_pid()`);
  // Throw-away test data: no fsync, no waiting for the WAL flush (reloadable settings, no restart).
  if (!process.env.TEST_DATABASE_URL) {
    for (const setting of ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']) await admin.query(`ALTER SYSTEM SET ${setting}`);
    await admin.query('SELECT pg_reload_conf()');
  }
  await admin.end();

  Object.assign(process.env, {
    JML_TEST_DATA_DIR: dataDir,
    JML_TEST_OWNER_URL: db.ownerUrl,
    JML_TEST_SERVICE_URL: db.serviceUrl,
    JML_TEST_TEMPORAL_ADDRESS: temporal.address,
    JML_TEST_TEMPORAL_CLI: cliPath,
    JML_TEST_CHROMIUM: chromium,
  });
  (globalThis as Record<string, unknown>).__JML_STACK__ = { db, temporal };
}
