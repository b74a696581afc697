import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface StartDevIdpOptions {
  port: number;
  /** Default: `http://localhost:<port>`. */
  issuer?: string;
  /** Interface to bind (default 127.0.0.1: the IdP signs anyone in, so it stays on loopback). */
  host?: string;
  /** The service role's connection string: the IdP reads the `identity` table. */
  databaseUrl: string;
  /** The API audience (`config.oidc.audience`). */
  audience: string;
  /** The API's public URL, for the registered redirect `<url>/auth/callback`. */
  apiPublicUrl: string;
  /** Signing and cookie keys persist here (`<DATA_DIR>/dev-idp`). */
  keysDir: string;
  accessTokenTtlSeconds?: number;
  /** Lines the IdP writes (default: dropped). */
  log?: (line: string) => void;
}

export type DevIdpProcessOptions = Required<Omit<StartDevIdpOptions, 'log' | 'accessTokenTtlSeconds'>> &
  Pick<StartDevIdpOptions, 'accessTokenTtlSeconds'>;

export interface DevIdp {
  issuer: string;
  stop(): Promise<void>;
}

/** The compiled entry point: the IdP always runs from `dist/` in plain Node. */
function entryPoint(): string {
  const here = resolve(__dirname, 'main.js');
  if (__filename.endsWith('.js') && existsSync(here)) return here;
  const built = join(resolve(__dirname, '..', '..', '..'), 'dist', 'libs', 'auth', 'dev-idp', 'main.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" first`);
  return built;
}

// oidc-provider 9 prefers Node 22 but works on Node 20; its start-up notice is noise here.
const NOISE = /Unsupported runtime|oidc-provider WARNING/;

/**
 * Starts the development OpenID Connect provider in a child process and resolves once it listens.
 * Used by `npm start` (libs/devstack/stack.ts) and by the test harness (one per test file).
 */
export function startDevIdp(options: StartDevIdpOptions): Promise<DevIdp> {
  const processOptions: DevIdpProcessOptions = {
    port: options.port,
    issuer: options.issuer ?? `http://localhost:${options.port}`,
    host: options.host ?? '127.0.0.1',
    databaseUrl: options.databaseUrl,
    audience: options.audience,
    apiPublicUrl: options.apiPublicUrl.replace(/\/$/, ''),
    keysDir: options.keysDir,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
  };
  const given = options.log ?? (() => undefined);
  // The last lines stay for the error when the process exits before it is ready (e.g. EADDRINUSE).
  let tail = '';
  const log = (line: string) => {
    tail = `${tail}${line}\n`.slice(-2000);
    given(line);
  };
  const child = fork(entryPoint(), [], {
    env: { ...process.env, JML_DEV_IDP_OPTIONS: JSON.stringify(processOptions) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim() && !NOISE.test(line)) log(`[dev-idp] ${line}`);
    });
  }
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => (clearTimeout(timer), done()));
      child.kill('SIGTERM');
    });
  return new Promise((resolvePromise, reject) => {
    const onExit = (code: number | null) => reject(new Error(`dev IdP exited with code ${code} before it was ready:\n${tail}`));
    child.once('exit', onExit);
    child.on('message', (m: { type?: string }) => {
      if (m?.type !== 'ready') return;
      child.off('exit', onExit);
      resolvePromise({ issuer: processOptions.issuer, stop });
    });
  });
}
