import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { personTokens, integrationToken } from '../libs/auth/dev-tokens';
import { WORKER_PROCESS_ENV } from '../libs/temporal/worker-process';
import { until } from './support/leaver-fixtures';
import { launcherEnv, launchStack, ownerClient, removeLauncherData, seedQueueLeavers } from './support/launcher';

/**
 * `npm start`'s launcher (the compiled `dist/libs/devstack/start.js`, exactly what `npm start`
 * runs after building) on free ports with a fresh DATA_DIR: everything comes up, /health/ready
 * answers 200, Ctrl-C stops it cleanly, and a second start finds its data again.
 */
describe('npm start launcher', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jml-launcher-'));
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await launcherEnv(dataDir);
  });

  afterAll(() => removeLauncherData(dataDir));

  const launch = (extraEnv: NodeJS.ProcessEnv = {}) => launchStack({ ...env, ...extraEnv });

  async function get(path: string, port = env.PORT): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text() };
  }

  /** The pids the launcher printed for one child ("worker ready (pid N)"), in order. */
  const pidsOf = (output: string, name: string) => [...output.matchAll(new RegExp(`${name} ready \\(pid (\\d+)\\)`, 'g'))].map((m) => Number(m[1]));

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
    // The worker runs with the memory bounds of ADR 127 (glibc arenas, V8 heaps); the api without them.
    const environ = (name: string) => readFileSync(`/proc/${pidsOf(first.output(), name)[0]}/environ`, 'utf8').split('\0');
    expect(environ('worker')).toEqual(expect.arrayContaining(Object.entries(WORKER_PROCESS_ENV).map(([k, v]) => `${k}=${v}`)));
    expect(environ('api')).not.toContain(`NODE_OPTIONS=${WORKER_PROCESS_ENV.NODE_OPTIONS}`);

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

  const restartsIn = (metrics: string, name: string) => Number(new RegExp(`jml_launcher_restarts_total\\{process="${name}"\\} (\\d+)`).exec(metrics)?.[1]);

  it('restarts a SIGKILLed worker and api while the rest keeps serving, a leaver completes, and repeated crashes stop it with the reason', async () => {
    const stack = launch({ LAUNCHER_RESTART_BACKOFF: '300ms', LAUNCHER_MAX_RESTARTS: '1', LAUNCHER_RESTART_WINDOW: '10m', LEAVER_RECONCILE_INTERVAL: '1s' });
    await stack.running;
    const issuer = `http://localhost:${env.DEV_IDP_PORT}`;
    const owner = await ownerClient(env.EMBEDDED_PG_PORT);
    try {
      // A leaver with one queue task, so the workflow waits on an owner's attestation.
      await seedQueueLeavers(owner, env.EMBEDDED_PG_PORT, 'own-l', 'qrestart', ['L-RESTART']);
      const hr = `Bearer ${await integrationToken(issuer, 'hr-system')}`;
      const started = await fetch(`http://127.0.0.1:${env.PORT}/api/v1/requests/leaver`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: hr }, body: JSON.stringify({ identity: 'L-RESTART', reason: 'voluntary' }),
      });
      expect(started.status).toBe(202);
      const { id } = (await started.json()) as { id: string };
      const task = await until(async () => (await owner.query(`SELECT id FROM task WHERE request_id = $1`, [id])).rows[0] as { id: string } | undefined, 60_000, 200);

      // SIGKILL the worker: the API keeps answering, and the attestation is accepted while it is down.
      const [firstWorker] = pidsOf(stack.output(), 'worker');
      process.kill(firstWorker, 'SIGKILL');
      await until(async () => stack.output().includes('worker exited unexpectedly (signal SIGKILL); restarting in 300 ms'), 10_000, 50);
      expect((await get('/health/live')).status).toBe(200);
      const ownerToken = (await personTokens(issuer, 'own-l')).accessToken;
      const done = await fetch(`http://127.0.0.1:${env.PORT}/api/v1/tasks/${task.id}/complete`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ownerToken}` }, body: JSON.stringify({ note: 'account closed' }),
      });
      expect(done.status).toBe(200);

      // The restarted worker finishes the leaver.
      await until(async () => pidsOf(stack.output(), 'worker').length === 2, 60_000, 100);
      const request = await until(async () => {
        const r = (await owner.query(`SELECT status FROM request WHERE id = $1`, [id])).rows[0] as { status: string };
        return r.status === 'completed' ? r : null;
      }, 90_000, 250);
      expect(request.status).toBe('completed');
      expect(restartsIn((await get('/metrics')).body, 'worker')).toBe(1);

      // The api too: a new one answers, and it learns both counts from the launcher.
      process.kill(pidsOf(stack.output(), 'api')[0], 'SIGKILL');
      await until(async () => pidsOf(stack.output(), 'api').length === 2, 60_000, 100);
      const metrics = (await get('/metrics')).body;
      expect([restartsIn(metrics, 'api'), restartsIn(metrics, 'worker')]).toEqual([1, 1]);

      // A second worker crash inside the window is more than LAUNCHER_MAX_RESTARTS=1: stop, saying why.
      process.kill(pidsOf(stack.output(), 'worker')[1], 'SIGKILL');
      expect(await stack.exited).toBe(1);
      expect(stack.output()).toContain('worker exited unexpectedly (signal SIGKILL) and has crashed 2 times within 600 s');
      expect(stack.output()).toContain('stopping the stack');
      await expect(get('/health/live')).rejects.toThrow();
    } finally {
      await owner.end().catch(() => undefined);
      if (stack.child.exitCode === null) stack.child.kill('SIGINT');
    }
  }, 300_000);
});
