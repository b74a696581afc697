import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { DEV_WEB_CLIENT } from '../../libs/auth/dev-idp/clients';
import { startDevIdp, type DevIdp } from '../../libs/auth/dev-idp/start-dev-idp';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../libs/devstack/postgres';
import { freePort } from '../../libs/devstack/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../libs/devstack/temporal-server';
import { findTemporalCli } from '../../libs/temporal/cli-binary';
import { BenchHelpdesk, BenchSmtp } from '../leaver-receivers';
import { startServiceProcess, type ServiceProcess } from '../processes';
import { benchCheckpointEnv } from '../support';

export const CHAOS_TICKET_SECRET = 'chaos-ticket-secret-0123456789';

const distDir = () => (__dirname.includes(`${sep}dist${sep}`) ? join(__dirname, '..', '..') : join(__dirname, '..', '..', 'dist'));

/**
 * Everything the chaos run may break, owned by the harness so it can SIGKILL, stop and restart
 * each piece on its own port and data: an embedded PostgreSQL, a Temporal dev server (SQLite
 * file, so a restart keeps every workflow), the dev IdP, the production API and worker processes
 * from dist/, and the helpdesk and SMTP receivers in this process.
 */
export class ChaosStack {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'jml-chaos-'));
  db!: EmbeddedDatabase;
  temporal!: TemporalDevServer;
  idp!: DevIdp;
  api!: ServiceProcess;
  worker!: ServiceProcess;
  readonly helpdesk = new BenchHelpdesk(CHAOS_TICKET_SECRET);
  readonly smtp = new BenchSmtp();
  apiUrl = '';
  issuer = '';
  /** Exits of the API or worker that the harness did not cause (each restarted at once). */
  unexpectedExits: string[] = [];
  private pgPort = 0;
  private temporalPort = 0;
  private env: Record<string, string> = {};
  private stopping = false;
  private cli = '';

  async start(): Promise<void> {
    const cli = findTemporalCli({ log: (l) => process.stderr.write(`${l}\n`) });
    if (!cli) throw new Error('No Temporal CLI (npm run temporal:cli)');
    this.cli = cli;
    [this.pgPort, this.temporalPort] = [await freePort(), await freePort()];
    await this.startPostgres();
    await this.startTemporal();
    execFileSync(process.execPath, [join(distDir(), 'libs/persistence/migrate.cli.js')], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: this.db.serviceUrl, DATABASE_MIGRATION_URL: this.db.ownerUrl },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await this.helpdesk.start();
    await this.smtp.start();
  }

  /** After seeding: the IdP (it reads identities), then the worker and the API. */
  async startProcesses(extra: Record<string, string> = {}): Promise<void> {
    const idpPort = await freePort();
    const apiPort = await freePort();
    this.issuer = `http://127.0.0.1:${idpPort}`;
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    this.idp = await startDevIdp({ port: idpPort, issuer: this.issuer, databaseUrl: this.db.serviceUrl, audience: 'jml-api', apiPublicUrl: this.apiUrl, keysDir: join(this.dataDir, 'idp') });
    const bundle = join(this.dataDir, 'workflow-bundle.js');
    execFileSync(process.execPath, [join(distDir(), 'libs/temporal/bundle.cli.js'), bundle], { stdio: ['ignore', 'ignore', 'inherit'] });
    this.env = {
      NODE_ENV: 'production', LOG_LEVEL: 'warn', DATA_DIR: this.dataDir, DATABASE_URL: this.db.serviceUrl,
      TEMPORAL_ADDRESS: this.temporal.address, TEMPORAL_TASK_QUEUE: 'chaos', WORKFLOW_BUNDLE: bundle,
      OIDC_ISSUER: this.issuer, OIDC_AUDIENCE: 'jml-api', OIDC_CLIENT_ID: DEV_WEB_CLIENT.clientId, OIDC_CLIENT_SECRET: DEV_WEB_CLIENT.clientSecret,
      OIDC_CLIENT_ROLES: 'hr-system:hr', SESSION_SECRET: 'chaos-session-secret-0123456789', PUBLIC_URL: this.apiUrl,
      TICKET_HMAC_SECRET: CHAOS_TICKET_SECRET, SMTP_URL: this.smtp.url, RATE_LIMIT_PER_MINUTE: '10000000',
      ...benchCheckpointEnv(this.dataDir, 'chaos'), PORT: String(apiPort), HOST: '127.0.0.1', ...extra,
    };
    await this.startWorker();
    await this.startApi();
  }

  private watch(name: 'api' | 'worker', p: ServiceProcess): void {
    p.child.once('exit', (code, signal) => {
      if (this.stopping || (p as { expected?: boolean }).expected) return;
      this.unexpectedExits.push(`${name} exited (${code ?? signal}) at ${new Date().toISOString()}: ${p.output().slice(-400)}`);
      void (name === 'api' ? this.startApi() : this.startWorker()).catch((err: Error) => this.unexpectedExits.push(`${name} restart failed: ${err.message}`));
    });
  }

  /** Starts (or restarts) the worker, retrying while Temporal or PostgreSQL is still coming back. */
  async startWorker(): Promise<void> {
    this.worker = await retrying(() => startServiceProcess('worker', this.env));
    this.watch('worker', this.worker);
  }

  private async startApi(): Promise<void> {
    this.api = await retrying(() => startServiceProcess('api', this.env));
    this.watch('api', this.api);
  }

  /** SIGKILL: no drain, in-flight activities and workflow tasks are lost with the process. */
  async killWorker(): Promise<void> {
    const w = this.worker;
    (w as { expected?: boolean }).expected = true;
    const exited = new Promise((r) => w.child.once('exit', r));
    w.child.kill('SIGKILL');
    await exited;
  }

  async startPostgres(): Promise<void> {
    this.db = await startEmbeddedPostgres({ dataDir: join(this.dataDir, 'pg'), port: this.pgPort });
  }

  async startTemporal(): Promise<void> {
    this.temporal = await startTemporalDevServer({ cliPath: this.cli, dataDir: join(this.dataDir, 'tmprl'), port: this.temporalPort, uiPort: null });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.api?.stop().catch(() => undefined);
    await this.worker?.stop().catch(() => undefined);
    await this.idp?.stop().catch(() => undefined);
    await this.helpdesk.stop();
    await this.smtp.stop();
    await this.temporal?.stop().catch(() => undefined);
    await this.db?.stop().catch(() => undefined);
    if (!process.env.CHAOS_KEEP_DATA) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function retrying<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
