import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

/**
 * Failed authentication is limited per client address (ADR 156), beside the per-caller limit:
 * after AUTH_FAILURES_PER_MINUTE answers of 401 or 403, the address gets 429 with Retry-After,
 * even with a valid token (no token is checked for it), while other addresses are untouched.
 * Addresses are told apart by X-Forwarded-For, which the API trusts from loopback proxies only.
 */
describe('failed authentication is rate-limited per client address', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db, { AUTH_FAILURES_PER_MINUTE: '4' });
    api = await startApi(auth.config);
    await createIdentity(db, { key: 'E700', username: 'jane', roles: ['requester'] });
  });

  afterAll(async () => {
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  const me = (from: string, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/api/v1/me`, { headers: { 'x-forwarded-for': from, ...headers } });

  it('answers 429 with Retry-After after the budget of 401s, to that address only, even with a valid token', async () => {
    const guess = { authorization: 'Bearer not.a.token' };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await me('198.51.100.1', guess)).status);
    expect(statuses).toEqual([401, 401, 401, 401]);

    const refused = await me('198.51.100.1', guess);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringContaining('failed sign-in') });
    expect((await me('198.51.100.1', await auth.authHeader('jane'))).status).toBe(429);
    expect((await fetch(`${api.url}/health/live`, { headers: { 'x-forwarded-for': '198.51.100.1' } })).status).toBe(200);

    // Another address: its own budget, and a valid token works.
    expect((await me('198.51.100.2', await auth.authHeader('jane'))).status).toBe(200);
    expect((await me('198.51.100.2', guess)).status).toBe(401);
  });

  it('counts 403 refusals too', async () => {
    const jane = await auth.authHeader('jane');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${api.url}/api/v1/identities/E700/app-roles`, { headers: { 'x-forwarded-for': '198.51.100.3', ...jane } });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([403, 403, 403, 403, 429]);
  });
});
