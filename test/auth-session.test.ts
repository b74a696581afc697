import { TinyBrowser } from '../libs/auth/browser';
import { freePort } from '../libs/devstack/ports';
import { createApiApp } from '../apps/api/src/create-app';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

/** Sign-in over real HTTP: the dev IdP's login page, the API's callback, the session cookie. */
describe('sign-in and GET /api/v1/me', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let app: NestExpressApplication;
  let api: string;

  beforeAll(async () => {
    db = await freshDatabase();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    // The callback URL the API registers comes from PUBLIC_URL, so the API listens on a known port.
    auth = await startAuthHarness(db, { PUBLIC_URL: api });
    app = await createApiApp(auth.config);
    await app.listen(port, '127.0.0.1');
    await createIdentity(db, {
      key: 'E200',
      username: 'Bob.Jones',
      name: 'Bob Jones',
      department: 'Radiology',
      title: 'Technologist',
      roles: ['approver', 'auditor'],
    });
    await createIdentity(db, { key: 'E201', username: 'gone', status: 'terminated', roles: ['admin'] });
  });

  afterAll(async () => {
    await app?.close();
    await auth?.stop();
    await db?.drop();
  });

  it('completes a browser code flow and the session names the identity and its roles', async () => {
    const browser = new TinyBrowser();
    const start = await browser.follow(`${api}/auth/login?returnTo=/api/v1/me`);
    expect(start.response?.status).toBe(200);
    expect(start.response?.body).toContain('Development sign-in');
    expect(start.hops[1]).toMatch(new RegExp(`^${auth.issuer}/auth\\?`));
    const authorize = new URL(start.hops[1]);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${api}/auth/callback`);

    const form = /<form id="login" method="post" action="([^"]+)"/.exec(start.response!.body)![1];
    const done = await browser.follow(new URL(form, auth.issuer).toString(), { form: { username: 'bob.jones' } });
    expect(done.hops.some((h) => h.startsWith(`${api}/auth/callback?code=`))).toBe(true);
    expect(done.response?.url).toBe(`${api}/api/v1/me`);
    expect(done.response?.status).toBe(200);
    expect(JSON.parse(done.response!.body)).toEqual({
      principal: { kind: 'person', username: 'Bob.Jones', displayName: 'Bob Jones' },
      identity: {
        key: 'E200',
        username: 'Bob.Jones',
        email: 'Bob.Jones@example.test',
        name: 'Bob Jones',
        department: 'Radiology',
        title: 'Technologist',
        manager: null,
        status: 'active',
      },
      roles: ['approver', 'auditor'],
    });
    const cookie = done.hops.length > 0 ? browser.cookies('127.0.0.1')['jml.sid'] : undefined;
    expect(cookie).toBeTruthy();

    // The session lives in the database (any API process can serve it).
    const again = await browser.request(`${api}/api/v1/me`);
    expect(again.status).toBe(200);

    const out = await browser.request(`${api}/auth/logout`);
    expect(out.status).toBe(303);
    expect(out.location).toMatch(new RegExp(`^${auth.issuer}/session/end`));
    expect((await browser.request(`${api}/api/v1/me`)).status).toBe(401);
  });

  it('sets the session cookie httpOnly and SameSite=Lax', async () => {
    const browser = new TinyBrowser();
    const start = await browser.follow(`${api}/auth/login`);
    const form = /<form id="login" method="post" action="([^"]+)"/.exec(start.response!.body)![1];
    let setCookie = '';
    const submitted = await browser.follow(new URL(form, auth.issuer).toString(), { form: { username: 'Bob.Jones' } }, (u) => u.startsWith(`${api}/auth/callback`));
    const callback = await fetch(submitted.stoppedAt!, { redirect: 'manual', headers: { cookie: Object.entries(browser.cookies('127.0.0.1')).map(([k, v]) => `${k}=${v}`).join('; ') } });
    setCookie = callback.headers.getSetCookie().find((c) => c.startsWith('jml.sid=')) ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
  });

  it('refuses a callback whose state was not issued to this browser', async () => {
    const browser = new TinyBrowser();
    const res = await browser.request(`${api}/auth/callback?code=forged&state=forged`);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).message).toMatch(/state/i);
  });

  it('accepts a bearer token and names the identity', async () => {
    const res = await fetch(`${api}/api/v1/me`, { headers: await auth.authHeader('Bob.Jones@example.test') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.identity.key).toBe('E200');
    expect(body.roles).toEqual(['approver', 'auditor']);
  });

  it('maps an integration client to its configured roles', async () => {
    const res = await fetch(`${api}/api/v1/me`, { headers: { authorization: `Bearer ${await auth.clientToken('hr-system')}` } });
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toEqual({
      principal: { kind: 'client', username: 'hr-system', displayName: 'integration hr-system' },
      identity: null,
      roles: ['hr'],
    });
  });

  it('answers 403 with a clear message for a signed-in person the system of record does not know', async () => {
    await createIdentity(db, { key: 'E299', username: 'temp' });
    const token = await auth.tokenFor('temp');
    // The person leaves the system of record after signing in (the token stays valid at the IdP).
    const { Client } = await import('pg');
    const pg = new Client({ connectionString: db.ownerUrl });
    await pg.connect();
    await pg.query(`UPDATE identity SET username = 'renamed', email = NULL WHERE key = 'E299'`);
    await pg.end();
    const res = await fetch(`${api}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).message).toMatch(/no identity of the system of record has that username or email/);
  });

  it('answers 401 without credentials and sends security headers', async () => {
    const res = await fetch(`${api}/api/v1/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    // Plain http in tests: HSTS is sent only in production or behind an https PUBLIC_URL.
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
