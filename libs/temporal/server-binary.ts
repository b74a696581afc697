import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { temporalCliCacheDir } from './cli-binary';

/**
 * The production Temporal server (not the CLI's dev server) and its schema tool, for running the
 * production topology here without Docker: Temporal persisting to PostgreSQL (ADR 165). Built
 * once with `go install` into `<cache>/temporal-server-v1.29.1/{server,sql}`, with the PostgreSQL
 * schema files copied beside them (`schema/`), so nothing depends on Go's module cache later.
 * The version is the one docker-compose.yml runs (temporalio/auto-setup:1.29).
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';

export interface TemporalServerBinaries {
  server: string;
  sql: string;
  /** `schema/postgresql/v12` of the server module: `temporal/` and `visibility/`, each with `versioned/`. */
  schemaDir: string;
}

export function temporalServerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(temporalCliCacheDir(env), '..', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function goInstall(go: string, pkg: string, dir: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync(go, ['install', `${MODULE}/${pkg}@${TEMPORAL_SERVER_VERSION}`], { env: { ...env, GOBIN: dir, GOFLAGS: '-mod=mod' }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`go install ${MODULE}/${pkg}@${TEMPORAL_SERVER_VERSION} failed (exit ${r.status})`);
}

/** The schema files from Go's module cache (downloaded when missing) into the cache directory. */
function copySchema(go: string, dir: string, env: NodeJS.ProcessEnv): void {
  const info = JSON.parse(execFileSync(go, ['mod', 'download', '-json', `${MODULE}@${TEMPORAL_SERVER_VERSION}`], { env, encoding: 'utf8' })) as { Dir: string };
  cpSync(join(info.Dir, 'schema', 'postgresql', 'v12'), join(dir, 'schema'), { recursive: true });
}

/**
 * Finds the cached server, or builds it (a few minutes, once per machine). Throws when Go is
 * missing, with what to install.
 */
export function findTemporalServer(options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): TemporalServerBinaries {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const dir = temporalServerCacheDir(env);
  const found = { server: join(dir, 'server'), sql: join(dir, 'sql'), schemaDir: join(dir, 'schema') };
  if (executable(found.server) && executable(found.sql) && existsSync(join(found.schemaDir, 'temporal', 'versioned'))) return found;
  const go = spawnSync('go', ['version'], { env }).status === 0 ? 'go' : null;
  if (!go) throw new Error(`Temporal server ${TEMPORAL_SERVER_VERSION} not in ${dir} and Go is not installed (Go 1.24 or later builds it)`);
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  if (!executable(found.server)) {
    log(`Building the Temporal server ${TEMPORAL_SERVER_VERSION} with Go into ${dir} (one time, several minutes)...`);
    goInstall(go, 'cmd/server', dir, env);
  }
  if (!executable(found.sql)) goInstall(go, 'cmd/tools/sql', dir, env);
  if (!existsSync(join(found.schemaDir, 'temporal', 'versioned'))) copySchema(go, dir, env);
  log(`Temporal server ready in ${Math.round((Date.now() - started) / 1000)} s: ${dir}`);
  return found;
}
