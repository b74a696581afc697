import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { workerProcessEnv } from '../libs/temporal/worker-process';

/** A service process started from dist/ (api or worker), with its resident memory sampled. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Highest VmRSS seen (bytes) since start or the last `resetPeak()`. */
  peakRss(): number;
  resetPeak(): void;
  output(): string;
  stop(): Promise<void>;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * A worker's environment as the product starts it (libs/temporal/worker-process.ts, ADR 127), the
 * floor's worker included so the floor measures the engine under the same process settings.
 * BENCH_WORKER_PROCESS_ENV=off is a diagnostic to measure the worker as it was before ADR 127 (node
 * and glibc defaults); its rows are then not the product's.
 */
export function benchWorkerEnv(env: Record<string, string>): Record<string, string> {
  return process.env.BENCH_WORKER_PROCESS_ENV === 'off' ? env : workerProcessEnv(env);
}

/**
 * Starts `dist/apps/<component>/src/main.js` (or the floor worker, dist/bench/floor/main.js) with exactly `env` (plus PATH/HOME) and resolves
 * on its `ready` IPC message. RSS is read from /proc every 100 ms.
 */
export async function startServiceProcess(component: 'api' | 'worker' | 'floor-worker', env: Record<string, string>, execArgv: string[] = [], readyTimeoutMs = 120_000): Promise<ServiceProcess> {
  // From dist/bench (npm run bench/chaos) or from the sources (a jest test): always the build.
  const dist = __dirname.includes(`${sep}dist${sep}`) ? join(__dirname, '..') : join(__dirname, '..', 'dist');
  // The floor worker (bench/floor) is the bench's own process, started and sampled like the services.
  const main = component === 'floor-worker' ? join(dist, 'bench', 'floor', 'main.js') : join(dist, 'apps', component, 'src', 'main.js');
  // A MALLOC_ARENA_MAX of the bench's own environment passes through (over the product's), to compare arena caps.
  const arenas: Record<string, string> = process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {};
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...arenas, ...env };
  // BENCH_WORKER_NODE_ARGS (e.g. --cpu-prof, or -r ./dist/bench/diag/memory-log.js) is a diagnostic knob for every bench's worker.
  const diagnostics = component === 'api' ? [] : (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = fork(main, [], {
    execArgv: [...execArgv, ...diagnostics],
    env: component === 'api' ? base : benchWorkerEnv(base),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  const keep = (c: Buffer) => (out = (out + c.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${component} not ready in ${readyTimeoutMs} ms:\n${out}`)), readyTimeoutMs);
    child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${component} exited before ready (${code ?? signal}):\n${out}`));
    });
  });
  let peak = rssOf(child.pid!);
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid!))), 100);
  sampler.unref();
  return {
    child,
    peakRss: () => Math.max(peak, rssOf(child.pid!)),
    resetPeak: () => (peak = rssOf(child.pid!)),
    output: () => out,
    async stop() {
      clearInterval(sampler);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
