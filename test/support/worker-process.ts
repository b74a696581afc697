import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Config } from '../../libs/config/config';

export interface WorkerProcess {
  child: ChildProcess;
  /** What the process wrote to stdout and stderr (for a failing test's message). */
  output(): string;
  /** SIGKILL: no drain, no shutdown hooks, in-flight activities are simply lost. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (a graceful drain). */
  stop(): Promise<void>;
}

/** The environment the production worker reads, from a test Config (plus anything in `extra`). */
export function workerEnv(config: Config, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.JML_TEST_DEBUG ? 'info' : 'warn',
    DATABASE_URL: config.database.url,
    DATABASE_POOL_MAX: String(config.database.poolMax),
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    DATA_DIR: config.dataDir,
    PUBLIC_URL: config.publicUrl,
    TICKET_HMAC_SECRET: config.tickets.hmacSecret,
    SMTP_URL: config.tickets.smtpUrl,
    LEAVER_ESCALATION_INTERVAL: config.leaver.escalationInterval,
    LEAVER_RECONCILE_INTERVAL: config.leaver.reconcileInterval,
    TICKET_DELIVERY_TIMEOUT: config.leaver.deliveryTimeout,
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
}

/** The environment of the production API process: the worker's, plus its listen address and OIDC. */
export function apiEnv(config: Config, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    OIDC_ISSUER: config.oidc.issuer,
    OIDC_AUDIENCE: config.oidc.audience,
    OIDC_CLIENT_ID: config.oidc.clientId,
    OIDC_CLIENT_SECRET: config.oidc.clientSecret,
    OIDC_CLIENT_ROLES: Object.entries(config.oidc.clientRoles).map(([client, roles]) => roles.map((r) => `${client}:${r}`).join(',')).join(','),
    SESSION_SECRET: config.sessionSecret,
    RATE_LIMIT_PER_MINUTE: String(config.rateLimitPerMinute),
    CHECKPOINT_DIR: config.checkpoints.dir,
    ...extra,
  };
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  return workerEnv(config, defined);
}

/**
 * Starts the built worker (`dist/apps/worker/src/main.js`, run `npm run build` first) as a child
 * process and resolves once it polls its task queue (the `ready` IPC message main.ts sends).
 */
export function startWorkerProcess(config: Config, extra: Record<string, string> = {}, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  return startDistProcess('worker', workerEnv(config, extra), readyTimeoutMs);
}

/** Starts the built API (`dist/apps/api/src/main.js`) and resolves once it listens. */
export function startApiProcess(config: Config, port: number, extra: Record<string, string> = {}, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  return startDistProcess('api', apiEnv(config, port, extra), readyTimeoutMs);
}

async function startDistProcess(component: 'api' | 'worker', env: NodeJS.ProcessEnv, readyTimeoutMs: number): Promise<WorkerProcess> {
  const main = join(__dirname, '..', '..', 'dist', 'apps', component, 'src', 'main.js');
  const child = fork(main, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${component} not ready within ${readyTimeoutMs} ms:\n${out}`)), readyTimeoutMs);
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
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, output: () => out, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}
