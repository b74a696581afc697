import { createHmac, createPublicKey } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWTPayload } from 'jose';
import { MeController } from '../apps/api/src/auth/me.controller';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, TEST_AUDIENCE, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Bearer tokens: the valid one is accepted; every forged or stale one is 401 before any handler. */
describe('bearer token validation', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  // Observes calls and runs the real handler; Nest reads routes from the method's metadata, so the
  // spy carries the original's.
  const original = MeController.prototype.me;
  const handler = jest.spyOn(MeController.prototype, 'me');
  for (const key of Reflect.getMetadataKeys(original)) Reflect.defineMetadata(key, Reflect.getMetadata(key, original), handler);

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    await createIdentity(db, { key: 'E400', username: 'dave', roles: ['requester'] });
    await createIdentity(db, { key: 'E401', username: 'root', roles: ['admin'] });
  });

  afterAll(async () => {
    handler.mockRestore();
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  beforeEach(() => handler.mockClear());

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (over: JWTPayload = {}): JWTPayload => ({
    iss: auth.issuer,
    aud: TEST_AUDIENCE,
    sub: 'E400',
    preferred_username: 'dave',
    client_id: 'jml-web',
    iat: now() - 5,
    exp: now() + 300,
    ...over,
  });

  async function signWithIdpKey(payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const jwk = auth.signingKey();
    const key = await importJWK(jwk as never, 'RS256');
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt', ...header }).sign(key);
  }

  async function me(token: string): Promise<{ status: number; body: { message?: string } }> {
    const res = await fetch(`${api.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('accepts the token the IdP issued', async () => {
    const res = await me(await auth.tokenFor('dave'));
    expect(res.status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('accepts a token it signs itself with the IdP key (the forging helper is sound)', async () => {
    expect((await me(await signWithIdpKey(claims()))).status).toBe(200);
  });

  it('accepts a token that expired within the clock-skew allowance', async () => {
    expect((await me(await signWithIdpKey(claims({ exp: now() - 10 })))).status).toBe(200);
  });

  const refused: Array<[string, () => Promise<string>, RegExp]> = [
    ['a wrong issuer', () => signWithIdpKey(claims({ iss: 'http://127.0.0.1:1/evil' })), /iss/],
    ['a wrong audience', () => signWithIdpKey(claims({ aud: 'some-other-api' })), /aud/],
    ['an ID token (audience is the web client)', async () => (await auth.personTokens('dave')).idToken, /aud/],
    ['an expired token', () => signWithIdpKey(claims({ exp: now() - 120, iat: now() - 600 })), /expired/],
    ['a token not yet valid', () => signWithIdpKey(claims({ nbf: now() + 600 })), /nbf/],
    [
      'a tampered payload (elevated to another person)',
      async () => {
        const [h, , s] = (await auth.tokenFor('dave')).split('.');
        return `${h}.${b64(claims({ sub: 'E401', preferred_username: 'root' }))}.${s}`;
      },
      /signature/,
    ],
    [
      'a token signed with another key under the IdP key id',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: auth.signingKey().kid }).sign(privateKey);
      },
      /signature/,
    ],
    [
      'a token signed with an unknown key id',
      async () => {
        const { privateKey, publicKey } = await generateKeyPair('RS256');
        const kid = (await exportJWK(publicKey)).n!.slice(0, 12);
        return new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
      },
      /not signed by a key of the IdP/,
    ],
    ['alg: none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, /algorithm|JWT/],
    [
      'HS256 signed with the IdP public key as the HMAC secret',
      async () => {
        const jwk = auth.signingKey();
        const pem = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
        const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })}.${b64(claims())}`;
        return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
      },
      /algorithm/,
    ],
    ['a string that is not a JWT', async () => 'not-a-jwt', /not a valid JWT/],
  ];

  it.each(refused)('refuses %s with 401 before any handler runs', async (_name, forge, reason) => {
    const res = await me(await forge());
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(reason);
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a malformed Authorization header with 401', async () => {
    for (const header of ['Basic ZGF2ZTpwdw==', 'Bearer', 'Bearer a b']) {
      const res = await fetch(`${api.url}/api/v1/me`, { headers: { authorization: header } });
      expect(res.status).toBe(401);
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('treats a configured integration client as a client even when its token carries a username claim', async () => {
    const res = await me(await signWithIdpKey(claims({ sub: 'svc-1', client_id: 'hr-system', preferred_username: 'service-account-hr-system' })));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ principal: { kind: 'client', username: 'hr-system' }, roles: ['hr'] });
  });

  it('maps a person by username before email, in claim order, ignoring case, with their roles', async () => {
    await createIdentity(db, { key: 'E410', username: 'Pat', email: 'pat.one@example.test', roles: ['auditor'] });
    await createIdentity(db, { key: 'E411', username: 'pat.two', email: 'pat@example.test', roles: ['hr', 'requester'] });
    const mapped = async (over: JWTPayload) => {
      const res = await me(await signWithIdpKey(claims({ preferred_username: undefined, ...over })));
      expect(res.status).toBe(200);
      return res.body as { identity: { key: string }; roles: string[] };
    };
    // E411's email equals a claim too, but a username match wins.
    expect(await mapped({ preferred_username: 'PAT', email: 'pat@example.test' })).toMatchObject({ identity: { key: 'E410' }, roles: ['auditor'] });
    // No username matches: the email claim names E411.
    expect(await mapped({ preferred_username: 'nobody', email: 'PAT@example.test' })).toMatchObject({ identity: { key: 'E411' }, roles: ['requester', 'hr'] });
    // Both usernames match: the more specific claim (preferred_username before email) wins.
    expect(await mapped({ preferred_username: 'pat.two', email: 'pat' })).toMatchObject({ identity: { key: 'E411' } });
  });

  it('refuses an integration client that is not mapped to any role with 403', async () => {
    const res = await me(await signWithIdpKey(claims({ sub: 'stranger', preferred_username: undefined, client_id: 'stranger' })));
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/not mapped to any role/);
    expect(handler).not.toHaveBeenCalled();
  });
});
