import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { freePort } from '../libs/devstack/ports';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { grantImported, seedSystems, until } from './support/leaver-fixtures';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { freshDatabase, type TestDatabase } from './support/services';
import { startApiProcess, startWorkerProcess, type WorkerProcess } from './support/worker-process';

/**
 * One leaver request over HTTP to the production API process yields, at a real OTLP/HTTP
 * receiver, spans of the API (the request, its SQL, the workflow start from the outbox), of the
 * workflow (in the worker's sandbox) and of its activities with their SQL, all in the trace the
 * caller named in its `traceparent` header (ADR 161). Built processes from dist/: the OpenTelemetry
 * instrumentations patch modules on require, which jest's module registry would bypass.
 */
describe('traces from the API request through the workflow to its activities and SQL', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let receiver: OtlpReceiver;
  let api: WorkerProcess | undefined;
  let worker: WorkerProcess | undefined;
  let apiUrl: string;

  beforeAll(async () => {
    db = await freshDatabase();
    receiver = await new OtlpReceiver().start();
    auth = await startAuthHarness(db);
    const owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    try {
      await seedSystems(owner, [{ key: 'vpn', channel: 'queue', target: null, slaHours: 4, owners: ['own1'] }]);
      await createIdentity(db, { key: 'own1', roles: ['system_owner'] });
      await createIdentity(db, { key: 'L1', name: 'Leaving Person' });
      await grantImported(owner, 'staff', 'own1', ['vpn'], ['L1']);
    } finally {
      await owner.end();
    }
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' };
    worker = await startWorkerProcess(auth.config, otel);
    const port = await freePort();
    api = await startApiProcess(auth.config, port, otel);
    apiUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await auth?.stop();
    await receiver?.stop();
    await db?.drop();
  });

  it('one trace holds the API request, the workflow start, the workflow, its activities and their SQL', async () => {
    for (const path of ['/metrics', '/health/live']) expect((await fetch(`${apiUrl}${path}`)).status).toBe(200);
    const traceId = randomBytes(16).toString('hex');
    const res = await fetch(`${apiUrl}/api/v1/requests/leaver`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await auth.clientToken('hr-system')}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ identity: 'L1', reason: 'voluntary' }),
    });
    expect(res.status).toBe(202);

    const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    const has = (service: string, name: RegExp) => (s: ReceivedSpan) => s.service === service && name.test(s.name);
    const sqlUnder = (parent: (s: ReceivedSpan) => boolean) => (s: ReceivedSpan) =>
      s.attributes['db.system'] === 'postgresql' && receiver.ancestors(s).some(parent);
    const isActivity = has('jml-governance-worker', /^RunActivity:/);
    const needed = {
      apiRequest: has('jml-governance-api', /^POST/),
      apiSql: sqlUnder(has('jml-governance-api', /^POST/)),
      workflowStart: has('jml-governance-api', /^StartWorkflow:leaverWorkflow$/),
      workflow: has('jml-governance-worker', /^StartActivity:/),
      activity: isActivity,
      activitySql: sqlUnder(isActivity),
    };
    await until(async () => Object.values(needed).every((f) => inTrace().some(f)), 60_000, 250).catch(() => {
      const seen = inTrace().map((s) => `${s.service} ${s.name}`).sort().join('\n  ');
      const missing = Object.entries(needed).filter(([, f]) => !inTrace().some(f)).map(([k]) => k);
      throw new Error(`missing ${missing.join(', ')} in trace ${traceId}; spans seen:\n  ${seen}\n${worker?.output()}\n${api?.output()}`);
    });
    // The system owner attests the revoke: the workflow completes and its RunWorkflow span is exported too.
    const owner = await auth.authHeader('own1');
    const tasks = (await (await fetch(`${apiUrl}/api/v1/tasks?status=open`, { headers: owner })).json()) as { items: { id: string }[] };
    expect(tasks.items).toHaveLength(1);
    const done = await fetch(`${apiUrl}/api/v1/tasks/${tasks.items[0].id}/complete`, {
      method: 'POST', headers: { ...owner, 'content-type': 'application/json' }, body: JSON.stringify({ note: 'VPN account removed' }),
    });
    expect(done.status).toBeLessThan(300);
    const run = await until(async () => inTrace().find(has('jml-governance-worker', /^RunWorkflow:leaverWorkflow$/)), 60_000, 250);
    // request -> outbox start -> workflow -> StartActivity -> RunActivity -> SQL, one parent chain.
    const chain = (s: ReceivedSpan) => receiver.ancestors(s).map((a) => a.name);
    expect(chain(run)).toEqual(expect.arrayContaining(['StartWorkflow:leaverWorkflow', expect.stringMatching(/^POST/)]));
    const sql = inTrace().find(needed.activitySql)!;
    expect(chain(sql)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^RunActivity:/), expect.stringMatching(/^StartActivity:/), 'RunWorkflow:leaverWorkflow', 'StartWorkflow:leaverWorkflow',
    ]));
    // Health probes and scrapes (and the SQL they run) are not traced: every API span belongs to a request's trace.
    expect(receiver.spans.filter((s) => s.service === 'jml-governance-api' && /metrics|health/.test(JSON.stringify(s.attributes)))).toEqual([]);
  });
});
