/**
 * How the worker process is started: the environment that bounds its memory (ADR 127). One
 * definition for every place that starts a worker: the launcher of `npm start`
 * (libs/devstack/stack.ts), the benches (bench/processes.ts, so their RSS rows measure the process
 * the product runs) and docker-compose.yml (its copy is compared with this one by
 * worker-process.spec.ts).
 *
 * - `MALLOC_ARENA_MAX=2`: glibc gives every thread that mallocs its own arena (up to 8 per core),
 *   and the Temporal Rust core's tokio threads each keep one with freed memory still resident.
 *   glibc reads it once at process start, so it can only be set by whoever spawns the process.
 * - `--max-old-space-size`: V8 sizes its heap growing factor by this limit; at the default of a
 *   large host (4 GB here) it lets the old generation grow to 4x its live size before a full GC,
 *   at a limit below 2 GB the factor falls towards 1.3. V8 flags apply to every isolate of the
 *   process, so this also bounds the workflow thread's heap. Also a hard cap: a heap that needs
 *   more ends the process (the supervisor restarts it, Temporal retries its tasks).
 * - `--max-semi-space-size` (MB): the young generation is up to three semi-spaces per isolate (two
 *   isolates here, 16 MB each by default), resident once used; 4 MB took 20-50 MB more off the peak
 *   for about a tenth more of the worker's CPU time (ADR 127).
 */
export const WORKER_NODE_OPTIONS = ['--max-old-space-size=384', '--max-semi-space-size=4'] as const;

export const WORKER_PROCESS_ENV: Readonly<{ MALLOC_ARENA_MAX: string; NODE_OPTIONS: string }> = {
  MALLOC_ARENA_MAX: '2',
  NODE_OPTIONS: WORKER_NODE_OPTIONS.join(' '),
};

/**
 * The worker's environment: `env` with the memory settings above. NODE_OPTIONS an operator already
 * set is kept after ours (node applies the last value of a flag, so theirs wins); an explicit
 * MALLOC_ARENA_MAX is kept as it is.
 */
export function workerProcessEnv<T extends Record<string, string | undefined>>(env: T): T & { MALLOC_ARENA_MAX: string; NODE_OPTIONS: string } {
  const theirs = env.NODE_OPTIONS?.trim();
  return {
    ...env,
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? WORKER_PROCESS_ENV.MALLOC_ARENA_MAX,
    NODE_OPTIONS: theirs ? `${WORKER_PROCESS_ENV.NODE_OPTIONS} ${theirs}` : WORKER_PROCESS_ENV.NODE_OPTIONS,
  };
}
