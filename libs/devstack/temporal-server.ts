import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_NAMES } from '../temporal/search-attributes';
import { waitFor } from './ports';

/**
 * The Temporal CLI's dev server (`temporal server start-dev`) with its web UI, persisting to a
 * SQLite file under `<dataDir>/temporal`, with the service's custom search attributes registered.
 * SQLite runs with `journal_mode=wal` and `synchronous=normal` (ADR 120: a process crash loses
 * nothing, an operating-system crash may lose the last commits; 1.5x to 2.5x the workflow rate).
 */
export interface TemporalDevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Write-ahead log, fsync at checkpoints only: a commit survives a crash of the dev server process
 * (the WAL is in the OS page cache); only an operating-system crash or power loss can drop the last
 * commits before a checkpoint. ADR 120 has the trade-off and the figures.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

/**
 * Dynamic config of the dev server (ADR 181), measured at 50 joiners/s (docs/adr-181):
 * - One partition per task queue: the dev server is one process with one matching host, and
 *   Temporal's default of four partitions only spreads a queue's tasks and pollers over four
 *   in-memory queues that forward to each other.
 * - The search-attribute cache as a Temporal cluster keeps it (refreshed every 60 s). The CLI turns
 *   on a re-read of the cluster metadata on EVERY read of the search attributes (each workflow start
 *   and visibility write), so that attributes created at run time show at once; ours are written
 *   into the namespace before the server starts (`--search-attribute`), and none is created later.
 * A Temporal cluster keeps its own settings (docs/ops).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: readonly string[] = [
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  'system.forceSearchAttributesCacheRefreshOnRead=false',
];

export async function startTemporalDevServer(opts: {
  cliPath: string;
  dataDir: string;
  port: number;
  uiPort?: number | null;
  namespace?: string;
  log?: (line: string) => void;
  /** The SQLite pragmas (ADR 120); `[]` starts SQLite with its own defaults (the bench's before/after). */
  sqlitePragmas?: readonly string[];
  /** Dynamic config values, `KEY=JSON`; `[]` starts it with Temporal's defaults (the bench's before/after). */
  dynamicConfig?: readonly string[];
}): Promise<TemporalDevServer> {
  const dir = resolve(opts.dataDir, 'temporal');
  mkdirSync(dir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--db-filename',
    resolve(dir, 'temporal.db'),
    '--log-level',
    'error',
    ...SEARCH_ATTRIBUTE_NAMES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
    ...(opts.sqlitePragmas ?? DEV_SERVER_SQLITE_PRAGMAS).flatMap((p) => ['--sqlite-pragma', p]),
    ...(opts.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG).flatMap((v) => ['--dynamic-config-value', v]),
  ];
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');

  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exitPromise = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));

  const address = `127.0.0.1:${opts.port}`;
  try {
    await waitFor(
      `Temporal dev server on ${address}`,
      async () => {
        if (exited) throw new Error(`temporal exited early:\n${tail.join('')}`);
        const conn = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await conn.workflowService.getSystemInfo({});
        } finally {
          await conn.close();
        }
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  opts.log?.(`Temporal dev server ready on ${address}`);
  return {
    address,
    uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : null,
    process: child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}
