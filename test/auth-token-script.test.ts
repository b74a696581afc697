import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

const run = promisify(execFile);
const script = join(__dirname, '..', 'scripts', 'token.mjs');

/** `npm run token` drives a real code flow against a running dev IdP; the API accepts its tokens. */
describe('npm run token', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  const env = () => ({ ...process.env, DEV_IDP_PORT: new URL(auth.issuer).port, DEV_IDP_ISSUER: auth.issuer, OIDC_ISSUER: '' });

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    await createIdentity(db, { key: 'E300', username: 'carol', name: 'Carol Diaz', roles: ['hr'] });
  });

  afterAll(async () => {
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  it('prints a bearer token for a username that the API accepts', async () => {
    const { stdout } = await run(process.execPath, [script, 'carol'], { env: env() });
    const token = stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const res = await fetch(`${api.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toMatchObject({ identity: { key: 'E300' }, roles: ['hr'] });
  });

  it('prints a client-credentials token with --client', async () => {
    const { stdout } = await run(process.execPath, [script, '--client', 'helpdesk'], { env: env() });
    const res = await fetch(`${api.url}/api/v1/me`, { headers: { authorization: `Bearer ${stdout.trim()}` } });
    expect((await res.json()) as any).toMatchObject({ principal: { kind: 'client', username: 'helpdesk' }, roles: ['system_owner'] });
  });

  it('fails with a clear message for someone not in the system of record', async () => {
    await expect(run(process.execPath, [script, 'nobody'], { env: env() })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('No identity named "nobody"'),
    });
  });
});
