import type { ChildProcess } from 'node:child_process';

/**
 * Keeps one child process of `npm start` (the api or the worker) running: a crash is followed by
 * a restart after a backoff (1x, 2x, 4x... the base, capped), while the rest of the stack keeps
 * running. Crashes are counted in a sliding window; one more than `maxRestarts` inside the window
 * means the process cannot stay up (a bad configuration, a dead dependency), and `onGiveUp` is
 * told why, so the launcher stops the whole stack with that message instead of looping forever.
 * Temporal makes this safe for the worker: its tasks time out and are retried on the new one.
 */
export interface RestartPolicy {
  /** Restarts allowed inside `windowMs`; one more crash gives up. */
  maxRestarts: number;
  windowMs: number;
  /** The first backoff; each further crash in the window doubles it, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export interface SupervisorHooks {
  log: (line: string) => void;
  /** Called after every successful (re)start with the new child. */
  onStarted?: (child: ChildProcess) => void;
  onGiveUp: (reason: string) => void;
}

export class Supervisor {
  private child: ChildProcess | undefined;
  private crashes: number[] = [];
  private stopping = false;
  private pending: NodeJS.Timeout | undefined;
  /** Restarts after a crash since the launcher started (exposed in the API's /metrics). */
  restarts = 0;

  constructor(
    readonly name: string,
    private readonly spawnReady: () => Promise<ChildProcess>,
    private readonly policy: RestartPolicy,
    private readonly hooks: SupervisorHooks,
  ) {}

  /** The first start: a failure here is the caller's (the stack never came up). */
  async start(): Promise<ChildProcess> {
    this.adopt(await this.spawnReady());
    return this.child!;
  }

  get current(): ChildProcess | undefined {
    return this.child;
  }

  /** Stops the child (SIGTERM, then SIGKILL after `timeoutMs`) and any restart in waiting. */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.pending);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((r) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', () => (clearTimeout(timer), r()));
      child.kill('SIGTERM');
    });
  }

  private adopt(child: ChildProcess): void {
    this.child = child;
    this.hooks.log(`${this.name} ready (pid ${child.pid})`);
    child.once('exit', (code, signal) => this.crashed(`${signal ? `signal ${signal}` : `code ${code}`}`));
    this.hooks.onStarted?.(child);
  }

  private crashed(how: string): void {
    if (this.stopping) return;
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < this.policy.windowMs);
    this.crashes.push(now);
    const inWindow = this.crashes.length;
    const windowText = `${Math.round(this.policy.windowMs / 1000)} s`;
    if (inWindow > this.policy.maxRestarts) {
      this.hooks.onGiveUp(
        `${this.name} exited unexpectedly (${how}) and has crashed ${inWindow} times within ${windowText} ` +
          `(more than LAUNCHER_MAX_RESTARTS=${this.policy.maxRestarts} in LAUNCHER_RESTART_WINDOW); stopping the stack`,
      );
      return;
    }
    const delay = Math.min(this.policy.backoffMs * 2 ** (inWindow - 1), this.policy.maxBackoffMs);
    this.hooks.log(`${this.name} exited unexpectedly (${how}); restarting in ${delay} ms (crash ${inWindow} of at most ${this.policy.maxRestarts} within ${windowText})`);
    this.pending = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      const child = await this.spawnReady();
      if (this.stopping) {
        child.kill('SIGTERM');
        return;
      }
      this.restarts += 1;
      this.adopt(child);
    } catch (err) {
      // Died again before it was ready: that is one more crash of the same window.
      this.crashed(err instanceof Error ? err.message : String(err));
    }
  }
}
