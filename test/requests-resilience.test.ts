import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../libs/devstack/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../libs/devstack/temporal-server';
import { http, people, seedRole, seedSystem, startRequestStack, until, type RequestStack } from './requests-fixture';
import { services, startWorker } from './support/services';

async function seed(stack: RequestStack): Promise<void> {
  await people(stack.db, [
    { key: 'adm', roles: ['admin'] },
    { key: 'mgr' },
    { key: 'req', roles: ['requester'] },
    { key: 'own' },
  ]);
  await seedSystem(stack.owner, 'vpn', ['own'], ['user']);
  await seedRole(stack.owner, 'vpn-user', 'own', [['vpn', 'user']], [{ kind: 'manager' }]);
}

let n = 0;
const joiner = (api: ReturnType<typeof http>) => {
  const key = `R${++n}`;
  return api.post('/api/v1/requests/joiner', 'req', {
    identity: { key, username: `r${n}`, email: `r${n}@example.org`, name: `R ${n}`, department: 'IT', title: 'Engineer', manager: 'mgr', startDate: '2027-01-04' },
    roles: ['vpn-user'], justification: 'resilience',
  });
};

/** Carries one request from its open approval to completion, then checks for duplicates. */
async function finish(stack: RequestStack, api: ReturnType<typeof http>, id: string): Promise<void> {
  const prov = await api.waitStatus(id, 'provisioning', 60_000);
  expect((await api.post(`/api/v1/tasks/${prov.tasks[0].id}/complete`, 'own', { note: 'done' })).status).toBe(200);
  await api.waitStatus(id, 'completed', 60_000);
  const tasks = await stack.owner.query(`SELECT count(*)::int AS n FROM task WHERE request_id = $1`, [id]);
  expect(tasks.rows[0].n).toBe(1);
  const dupes = await stack.owner.query(
    `SELECT action, count(*)::int AS n FROM audit_event WHERE request_id = $1 GROUP BY action HAVING count(*) > 1 AND action NOT IN ('approval.step_opened')`,
    [id],
  );
  expect(dupes.rows).toEqual([]);
}

describe('a decision posted while the Temporal frontend is down', () => {
  let temporal: TemporalDevServer;
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  const dataDir = mkdtempSync(join(tmpdir(), 'jml-outage-'));
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    temporal = await startTemporalDevServer({ cliPath: services().temporalCli, dataDir, port });
    stack = await startRequestStack({ TEMPORAL_ADDRESS: temporal.address });
    api = http(stack);
    await seed(stack);
  });

  afterAll(async () => {
    await stack?.stop();
    await temporal?.stop();
  });

  it('is acknowledged, survives the outage in the outbox and takes effect once Temporal is back', async () => {
    const { body } = await joiner(api);
    await api.waitStep(body.id, 1);
    await temporal.stop();

    const decision = await api.post(`/api/v1/requests/${body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'during outage' });
    expect(decision.status).toBe(201);
    const pending = await stack.owner.query(`SELECT count(*)::int AS n FROM workflow_outbox WHERE delivered_at IS NULL`);
    expect(pending.rows[0].n).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api.request(body.id)).status).toBe('pending_approval');

    temporal = await startTemporalDevServer({ cliPath: services().temporalCli, dataDir, port });
    await until('the outbox to drain', async () => {
      const r = await stack.owner.query(`SELECT count(*)::int AS n FROM workflow_outbox WHERE delivered_at IS NULL`);
      return r.rows[0].n === 0;
    }, 60_000);
    await finish(stack, api, body.id);
  });
});

describe('the worker process killed while a request waits for approval', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  let child: ChildProcess | null = null;

  const spawnWorker = () => {
    const c = stack.auth.config;
    const proc = spawn(process.execPath, [join(__dirname, '..', 'dist/apps/worker/src/main.js')], {
      env: {
        ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: stack.db.serviceUrl,
        TEMPORAL_ADDRESS: c.temporal.address, TEMPORAL_TASK_QUEUE: c.temporal.taskQueue, OIDC_ISSUER: c.oidc.issuer ?? '', OIDC_AUDIENCE: c.oidc.audience,
      },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    return new Promise<ChildProcess>((resolve, reject) => {
      proc.once('message', () => resolve(proc));
      proc.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
  };

  beforeAll(async () => {
    stack = await startRequestStack({}, { worker: false });
    api = http(stack);
    await seed(stack);
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack?.stop();
  });

  it('completes on a new worker with no duplicate task or ledger row', async () => {
    child = await spawnWorker();
    const { body } = await joiner(api);
    await api.waitStep(body.id, 1);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = null;

    expect((await api.post(`/api/v1/requests/${body.id}/decisions`, 'mgr', { decision: 'approve', comment: 'while no worker' })).status).toBe(201);
    stack.worker = await startWorker(stack.auth.config, stack.orm);
    await finish(stack, api, body.id);
  });
});
