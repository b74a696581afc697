import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../libs/devstack/ports';
import { services } from './support/services';

/**
 * `npm start`'s launcher (the compiled `dist/libs/devstack/start.js`, exactly what `npm start`
 * runs after building) on free ports with a fresh DATA_DIR: everything comes up, /health/ready
 * answers 200, Ctrl-C stops it cleanly, and a second start finds its data again.
 */
describe('npm start launcher', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jml-launcher-'));
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const [port, pg, temporal, ui, idp] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    env = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pg),
      TEMPORAL_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
      DEV_IDP_PORT: String(idp),
      TEMPORAL_CLI: services().temporalCli,
    };
    for (const k of ['DATABASE_URL', 'DATABASE_MIGRATION_URL', 'TEMPORAL_ADDRESS', 'OIDC_ISSUER']) delete env[k];
  });

  afterAll(() => {
    // mkdtemp makes DATA_DIR 0700: as root, the postgres user cannot reach it and the data lives
    // under /var/tmp/jml-governance (ADR 080), named by postgres.location. Remove both.
    const moved = join(dataDir, 'postgres.location');
    if (existsSync(moved)) rmSync(dirname(readFileSync(moved, 'utf8').trim()), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  function launch(): { child: ChildProcess; output: () => string; running: Promise<void>; exited: Promise<number | null> } {
    const child = spawn(process.execPath, [join(__dirname, '..', 'dist/libs/devstack/start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const running = new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (out.includes('JML governance service is running')) {
          clearInterval(timer);
          resolve();
        }
      }, 100);
      void exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`launcher exited (${code}) before it was running:\n${out}`));
      });
    });
    return { child, output: () => out, running, exited };
  }

  async function get(path: string, port = env.PORT): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text() };
  }

  it('brings up the stack, answers ready, stops cleanly on SIGINT, and restarts on the same data', async () => {
    const first = launch();
    await first.running;
    expect(first.output()).toContain(`http://localhost:${env.PORT}/api/v1`);
    expect(first.output()).toContain(`http://localhost:${env.TEMPORAL_UI_PORT}`);
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, temporal: { status: 'up' } } });
    expect((await get('/docs-json')).status).toBe(200);
    expect((await get('/', env.TEMPORAL_UI_PORT)).status).toBe(200);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopped');
    await expect(get('/health/live')).rejects.toThrow();

    const second = launch();
    await second.running;
    expect(second.output()).toContain('database schema is up to date');
    expect(second.output()).not.toContain('initialising PostgreSQL');
    expect((await get('/health/ready')).status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    // DATA_DIR (0700, like root's home) was used without touching its permissions (issue 11 item 13).
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) expect(existsSync(join(dataDir, 'postgres.location'))).toBe(true);
  }, 240_000);
});
