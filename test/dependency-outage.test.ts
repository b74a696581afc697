import { createServer, Socket, type Server } from 'node:net';
import { Client as PgClient } from 'pg';
import { freePort } from '../libs/devstack/ports';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

/**
 * PostgreSQL unreachable while the API runs (the chaos run's PostgreSQL restart): the API answers 503
 * with Retry-After and the one error body, never 500, changes nothing, and serves again once the
 * database is back. The API reaches PostgreSQL through a TCP relay the test can cut, a real peer
 * standing in for a database restart without stopping the server other test files share.
 */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly port: number, private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Refuses new connections and drops the open ones, as a stopped PostgreSQL does. */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

describe('the API while PostgreSQL is unreachable', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let relay: Relay;
  let owner: PgClient;

  beforeAll(async () => {
    db = await freshDatabase();
    const real = new URL(db.serviceUrl);
    const port = await freePort();
    relay = new Relay(port, { host: real.hostname, port: Number(real.port) });
    await relay.open();
    const relayed = new URL(db.serviceUrl);
    relayed.host = `127.0.0.1:${port}`;
    auth = await startAuthHarness(db, { DATABASE_URL: relayed.toString() });
    api = await startApi(auth.config);
    await createIdentity(db, { key: 'adm1', username: 'ada', roles: ['admin', 'hr', 'requester'] });
    await createIdentity(db, { key: 'e2', username: 'bob', roles: [] });
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
  });

  afterAll(async () => {
    await owner?.end();
    await api?.close();
    await relay?.cut();
    await auth?.stop();
    await db?.drop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { ...(await auth.authHeader('ada')), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
  };

  it('answers 503 with Retry-After while it is down, changes nothing, and 200 once it is back', async () => {
    expect((await call('GET', '/api/v1/identities/e2')).status).toBe(200);
    const requestsBefore = (await owner.query('SELECT count(*)::int AS n FROM request')).rows[0].n;

    await relay.cut();
    const read = await call('GET', '/api/v1/identities/e2');
    expect(read.status).toBe(503);
    expect(read.retryAfter).toBe('5');
    expect(read.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(String(read.body.message)).toMatch(/unreachable/);
    const write = await call('POST', '/api/v1/requests/leaver', { identity: 'e2', reason: 'resignation', justification: 'last day' });
    expect(write.status).toBe(503);

    await relay.open();
    const again = await call('GET', '/api/v1/identities/e2');
    expect(again.status).toBe(200);
    expect((await owner.query('SELECT count(*)::int AS n FROM request')).rows[0].n).toBe(requestsBefore);
  });
});
