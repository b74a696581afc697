import { SignJWT, importJWK } from 'jose';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, TEST_AUDIENCE, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

/** Rate limiting per caller, roles from an IdP groups claim, and CORS closed. */
describe('rate limit, groups claim, CORS', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db, {
      RATE_LIMIT_PER_MINUTE: '5',
      OIDC_GROUPS_CLAIM: 'groups',
      OIDC_GROUP_ROLES: 'jml-auditors:auditor,jml-admins:admin',
    });
    api = await startApi(auth.config);
    await createIdentity(db, { key: 'E600', username: 'hank', roles: ['requester'] });
    await createIdentity(db, { key: 'E601', username: 'ivy' });
  });

  afterAll(async () => {
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  it('answers 429 once a caller exceeds the per-minute limit, counting each caller apart, never limiting health', async () => {
    const hank = await auth.authHeader('hank');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${api.url}/api/v1/me`, { headers: hank })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect((await fetch(`${api.url}/api/v1/me`, { headers: await auth.authHeader('ivy') })).status).toBe(200);
    for (let i = 0; i < 8; i++) expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
  });

  it('adds the roles mapped from the IdP groups claim to the assigned ones', async () => {
    const jwk = auth.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ preferred_username: 'ivy', groups: ['jml-auditors', 'unrelated'], client_id: 'jml-web' })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
      .setIssuer(auth.issuer)
      .setAudience(TEST_AUDIENCE)
      .setSubject('E601')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(await importJWK(jwk as never, 'RS256'));
    const res = await fetch(`${api.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { roles: string[] }).roles).toEqual(['auditor']);
  });

  it('sends no CORS headers to a foreign origin', async () => {
    const res = await fetch(`${api.url}/api/v1/me`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
