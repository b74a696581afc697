import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Config } from '../config/config';
import { migrate } from '../persistence/migrate';
import { seedDemoIfEmpty } from '../seed/seed-demo';
import { startDevIdp, type DevIdp } from '../auth/dev-idp/start-dev-idp';
import { findTemporalCli } from '../temporal/cli-binary';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './postgres';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-server';
import { Supervisor, type RestartPolicy } from './supervisor';
import { workerProcessEnv } from '../temporal/worker-process';

/**
 * The whole stack of `npm start`: embedded PostgreSQL (unless DATABASE_URL), the Temporal dev
 * server with its UI (unless TEMPORAL_ADDRESS), migrations, then the api and worker processes
 * (compiled, from `dist/`). Each piece is stopped in reverse order.
 */
export interface StackUrls {
  /** The web application (served by the API at its root). */
  web: string;
  api: string;
  docs: string;
  temporalUi: string | null;
  temporal: string;
  devIdp: string | null;
  database: string;
}

export interface Stack {
  urls: StackUrls;
  env: NodeJS.ProcessEnv;
  /** The api and worker processes, each restarted after a crash (libs/devstack/supervisor.ts). */
  api: Supervisor;
  worker: Supervisor;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Where the compiled entry points live (default: the `dist` folder this file was built into). */
  distDir?: string;
  log?: (line: string) => void;
  /** Inherit stdio for the children (default) or pipe it (tests). */
  childStdio?: 'inherit' | 'pipe';
  /** Called when a child crashed too often to keep restarting it; the caller stops the stack. */
  onGiveUp?: (reason: string) => void;
}

function forkReady(entry: string, env: NodeJS.ProcessEnv, stdio: 'inherit' | 'pipe', name: string): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(entry, [], { env, stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe', 'ipc'] });
    const onExit = (code: number | null) => reject(new Error(`${name} exited with code ${code} before it was ready`));
    child.once('exit', onExit);
    child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') {
        child.off('exit', onExit);
        resolvePromise(child);
      }
    });
  });
}

function restartPolicy(config: Config): RestartPolicy {
  const { maxRestarts, windowMs, backoffMs } = config.launcher;
  return { maxRestarts, windowMs, backoffMs, maxBackoffMs: Math.max(backoffMs, 30_000) };
}

/**
 * The api and worker under supervision. The api learns the restart counts of both over its IPC
 * channel (it has no other way to see a worker restart) and shows them in /metrics.
 */
function superviseChildren(config: Config, distDir: string, env: NodeJS.ProcessEnv, stdio: 'inherit' | 'pipe', log: (l: string) => void, onGiveUp: (reason: string) => void) {
  const policy = restartPolicy(config);
  const tellApi = () => {
    const child = api.current;
    if (child?.connected) child.send({ type: 'launcher-restarts', restarts: { api: api.restarts, worker: worker.restarts } });
  };
  const hooks = { log, onGiveUp, onStarted: tellApi };
  const worker: Supervisor = new Supervisor('worker', () => forkReady(resolve(distDir, 'apps/worker/src/main.js'), workerProcessEnv(env), stdio, 'worker'), policy, hooks);
  const api: Supervisor = new Supervisor('api', () => forkReady(resolve(distDir, 'apps/api/src/main.js'), env, stdio, 'api'), policy, hooks);
  return { api, worker };
}

export async function startStack(config: Config, options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const distDir = options.distDir ?? resolve(__dirname, '..', '..');
  const stdio = options.childStdio ?? 'inherit';
  const dataDir = resolve(config.dataDir);
  let db: EmbeddedDatabase | undefined;
  let temporal: TemporalDevServer | undefined;
  let devIdp: DevIdp | undefined;
  let children: { api: Supervisor; worker: Supervisor } | undefined;

  const stop = async () => {
    await Promise.all([children?.api.stop(), children?.worker.stop()]);
    await devIdp?.stop();
    await temporal?.stop();
    await db?.stop();
  };

  try {
    let serviceUrl = config.database.url;
    let ownerUrl = config.database.migrationUrl;
    if (config.database.embedded) {
      db = await startEmbeddedPostgres({ dataDir, port: config.database.embeddedPort, log });
      serviceUrl = db.serviceUrl;
      ownerUrl = db.ownerUrl;
      log(`PostgreSQL ready on 127.0.0.1:${db.port} (data in ${db.dataDir})`);
    }
    if (!serviceUrl || !ownerUrl) throw new Error('no database configured');

    let temporalAddress = config.temporal.address;
    if (config.temporal.embedded) {
      const cliPath = config.temporal.cliPath ?? findTemporalCli({ log });
      if (!cliPath) throw new Error('No Temporal CLI: install Go (to build it) or set TEMPORAL_CLI');
      temporal = await startTemporalDevServer({
        cliPath,
        dataDir,
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        log,
      });
      temporalAddress = temporal.address;
    }

    const { applied } = await migrate(ownerUrl);
    log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
    if (config.seedDemo !== false) await seedDemoIfEmpty(serviceUrl, log);

    // The development IdP (never in production, never when OIDC_ISSUER names a real one).
    if (config.oidc.devIdp && config.oidc.issuer) {
      devIdp = await startDevIdp({
        port: config.oidc.devIdpPort,
        issuer: config.oidc.issuer,
        databaseUrl: serviceUrl,
        audience: config.oidc.audience,
        apiPublicUrl: config.publicUrl,
        keysDir: resolve(dataDir, 'dev-idp'),
        log,
      });
      log(`development IdP ready at ${devIdp.issuer}`);
    }

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: config.nodeEnv,
      PORT: String(config.port),
      HOST: config.host,
      DATA_DIR: dataDir,
      DATABASE_URL: serviceUrl,
      DATABASE_MIGRATION_URL: ownerUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: config.temporal.namespace,
      TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
      // The API sees DATABASE_URL from here on, which would turn the embedded default off.
      BOOTSTRAP_ADMINS: config.bootstrapAdmins.join(','),
    };
    const onGiveUp = options.onGiveUp ?? ((reason: string) => log(reason));
    children = superviseChildren(config, distDir, env, stdio, log, onGiveUp);
    await Promise.all([children.worker.start(), children.api.start()]);
    const apiUrl = `http://localhost:${config.port}`;
    return {
      urls: {
        web: `${apiUrl}/`,
        api: `${apiUrl}/api/v1`,
        docs: `${apiUrl}/docs`,
        temporalUi: temporal?.uiUrl ?? null,
        temporal: temporalAddress,
        devIdp: config.oidc.devIdp ? config.oidc.issuer ?? null : null,
        database: db ? `postgres://127.0.0.1:${db.port}/jml` : 'DATABASE_URL',
      },
      env,
      api: children.api,
      worker: children.worker,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
