import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { TemporalServerBinaries } from '../temporal/server-binary';
import { SEARCH_ATTRIBUTE_NAMES } from '../temporal/search-attributes';
import { createServer } from 'node:net';
import { waitFor } from './ports';

/**
 * The production topology's Temporal, run here without Docker (ADR 165): the real Temporal server
 * (libs/temporal/server-binary.ts) persisting to PostgreSQL, the databases `temporal` and
 * `temporal_visibility` created and migrated with Temporal's own schema tool, the `default`
 * namespace registered and the service's search attributes added, as docker-compose.yml's
 * auto-setup and admin-tools containers do. All four services (frontend, history, matching,
 * worker) in one process on loopback ports.
 */
export interface TemporalOnPostgres {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface PostgresLogin {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The databases of one Temporal cluster: the persistence and visibility stores (their names prefixed). */
function setupSchema(bin: TemporalServerBinaries, pg: PostgresLogin, prefix: string): void {
  const base = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--pw', pg.password];
  for (const [db, dir] of [[`${prefix}temporal`, 'temporal'], [`${prefix}temporal_visibility`, 'visibility']]) {
    const run = (...args: string[]) => execFileSync(bin.sql, [...base, '--db', db, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    run('create-database');
    run('setup-schema', '-v', '0.0');
    run('update-schema', '-d', join(bin.schemaDir, dir, 'versioned'));
  }
}

function configYaml(pg: PostgresLogin, prefix: string, ports: number[], dynamicConfig: string): string {
  const [frontend, http, fm, history, hm, matching, mm, worker, wm] = ports;
  const store = (db: string, conns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${db}"
        connectAddr: "${pg.host}:${pg.port}"
        connectProtocol: "tcp"
        user: "${pg.user}"
        password: "${pg.password}"
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: "1h"`;
  const svc = (grpc: number, membership: number, extra = '') => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `log:
  stdout: true
  level: error
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:${store(`${prefix}temporal`, 20)}
    postgres-visibility:${store(`${prefix}temporal_visibility`, 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
  frontend:${svc(frontend, fm, `\n      httpPort: ${http}`)}
  history:${svc(history, hm)}
  matching:${svc(matching, mm)}
  worker:${svc(worker, wm)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${frontend}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${dynamicConfig}"
  pollInterval: "10s"
`;
}

/** A free loopback port below 32768: Temporal stores membership ports in a `smallint` column. */
async function lowFreePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((res) => {
      const srv = createServer().once('error', () => res(false)).listen(port, '127.0.0.1', () => srv.close(() => res(true)));
    });
    if (free) return port;
  }
}

/** As the dev server does: a search attribute added is usable at once, not after the cache refresh. */
const DYNAMIC_CONFIG = `system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
    constraints: {}
`;

/** Registers `default` (3 days' retention, as auto-setup) and the search attributes; both idempotent. */
export async function registerNamespace(address: string, namespace: string): Promise<void> {
  const conn = await Connection.connect({ address });
  try {
    await conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') }).catch((err: Error) => {
      if (!/already (registered|exists)/i.test(err.message)) throw err;
    });
    const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    await waitFor('search attributes', () => conn.operatorService.addSearchAttributes({
      namespace, searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_NAMES.map((n) => [n, keyword])),
    }).catch((err: Error) => {
      if (!/already exists/i.test(err.message)) throw err;
    }), { timeoutMs: 60_000, intervalMs: 1000 });
  } finally {
    await conn.close();
  }
}

export async function startTemporalOnPostgres(opts: {
  binaries: TemporalServerBinaries;
  postgres: PostgresLogin;
  /** Where the config goes (`<dataDir>/temporal-server/config`). */
  dataDir: string;
  /** Database name prefix, so several clusters can share one PostgreSQL (default none). */
  prefix?: string;
  /** Frontend port (default: a free one); set up the schema only on the first start. */
  port?: number;
  setup?: boolean;
  namespace?: string;
}): Promise<TemporalOnPostgres> {
  const prefix = opts.prefix ?? '';
  const root = resolve(opts.dataDir, 'temporal-server');
  mkdirSync(join(root, 'config'), { recursive: true });
  const ports = [opts.port ?? (await lowFreePort())];
  while (ports.length < 9) ports.push(await lowFreePort());
  if (opts.setup !== false) setupSchema(opts.binaries, opts.postgres, prefix);
  writeFileSync(join(root, 'config', 'development.yaml'), configYaml(opts.postgres, prefix, ports, join(root, 'config', 'dynamic.yaml')));
  writeFileSync(join(root, 'config', 'dynamic.yaml'), DYNAMIC_CONFIG);
  const child = spawn(opts.binaries.server, ['--root', root, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (c: Buffer) => (tail = (tail + c.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  const address = `127.0.0.1:${ports[0]}`;
  try {
    await Promise.race([exit.then(() => Promise.reject(new Error('temporal server exited'))), waitFor(`Temporal server on ${address}`, async () => {
      if (exited) throw new Error(`temporal server exited:\n${tail}`);
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.getSystemInfo({});
      } finally {
        await conn.close();
      }
    }, { timeoutMs: 120_000, intervalMs: 500 })]);
    await registerNamespace(address, opts.namespace ?? 'default');
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${tail}`);
  }
  return {
    address,
    process: child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
