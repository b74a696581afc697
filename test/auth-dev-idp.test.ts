import { createServer } from 'node:net';
import { join } from 'node:path';
import { startDevIdp } from '../libs/auth/dev-idp/start-dev-idp';
import { createIdentity, startAuthHarness, TEST_AUDIENCE, type AuthHarness } from './support/auth';
import { freshDatabase, services, type TestDatabase } from './support/services';

function claims(jwt: string): Record<string, unknown> {
  const [header, payload] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(header, 'base64url').toString()), ...JSON.parse(Buffer.from(payload, 'base64url').toString()) };
}

describe('development IdP', () => {
  let db: TestDatabase;
  let auth: AuthHarness;

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    await createIdentity(db, { key: 'E100', username: 'Alice.Smith', name: 'Alice Smith', roles: ['admin'] });
  });

  afterAll(async () => {
    await auth?.stop();
    await db?.drop();
  });

  it('signs a person of the system of record in through a code flow and issues an RS256 JWT for the API', async () => {
    const token = await auth.tokenFor('alice.smith');
    const c = claims(token);
    expect(c.header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(c).toMatchObject({ iss: auth.issuer, aud: TEST_AUDIENCE, sub: 'E100', preferred_username: 'Alice.Smith', email: 'Alice.Smith@example.test', client_id: 'jml-web' });
  });

  it('issues an ID token for the web client', async () => {
    const { idToken } = await auth.personTokens('Alice.Smith@example.test');
    expect(claims(idToken)).toMatchObject({ iss: auth.issuer, aud: 'jml-web', sub: 'E100' });
  });

  it('refuses a person who is not in the system of record', async () => {
    await expect(auth.tokenFor('mallory')).rejects.toThrow(/No identity named "mallory"/);
  });

  it('issues client-credentials tokens to the integration clients', async () => {
    const c = claims(await auth.clientToken('hr-system'));
    expect(c).toMatchObject({ iss: auth.issuer, aud: TEST_AUDIENCE, client_id: 'hr-system' });
    expect(c.preferred_username).toBeUndefined();
  });

  it('says why when it cannot start: the port taken (EADDRINUSE) is in the error, so a harness can retry on another', async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as { port: number }).port;
    try {
      await expect(
        startDevIdp({ port, databaseUrl: db.serviceUrl, audience: TEST_AUDIENCE, apiPublicUrl: 'http://127.0.0.1', keysDir: join(services().dataDir, `idp-taken-${db.name}`) }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });
});
