import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client as PgClient } from 'pg';
import { createApiApp } from '../apps/api/src/create-app';
import { TinyBrowser } from '../libs/auth/browser';
import { freePort } from '../libs/devstack/ports';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { until } from './support/leaver-fixtures';
import { freshDatabase, type TestDatabase } from './support/services';

/**
 * A sign-in in progress lives in a short-lived signed cookie, not in `http_session` (ADR 157): an
 * anonymous GET /auth/login writes no row, the session row appears only at a successful callback,
 * a callback without (or with a forged) cookie is refused, and expired sessions are swept on a
 * schedule (SESSION_SWEEP_INTERVAL) without anyone signing in.
 */
describe('sign-in state without a lasting session row', () => {
  let db: TestDatabase;
  let owner: PgClient;
  let auth: AuthHarness;
  let app: NestExpressApplication;
  let api: string;

  beforeAll(async () => {
    db = await freshDatabase();
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    auth = await startAuthHarness(db, { PUBLIC_URL: api, SESSION_SWEEP_INTERVAL: '300ms' });
    app = await createApiApp(auth.config);
    await app.listen(port, '127.0.0.1');
    await createIdentity(db, { key: 'E800', username: 'kim', roles: ['auditor'] });
  });

  afterAll(async () => {
    await app?.close();
    await auth?.stop();
    await owner?.end();
    await db?.drop();
  });

  const sessionRows = async () => (await owner.query(`SELECT count(*)::int AS n FROM http_session`)).rows[0].n as number;

  it('an anonymous GET /auth/login writes no session row and sets only the signed login cookie', async () => {
    await owner.query('DELETE FROM http_session');
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${api}/auth/login?returnTo=/api/v1/me`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(new RegExp(`^${auth.issuer}/auth\\?`));
      const cookies = res.headers.getSetCookie();
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatch(/^jml\.login=[\w-]+\.[\w-]+\.[\w-]+;/);
      expect(cookies[0]).toMatch(/Max-Age=600;/);
      expect(cookies[0]).toMatch(/Path=\/auth;/);
      expect(cookies[0]).toMatch(/HttpOnly/);
      expect(cookies[0]).toMatch(/SameSite=Lax/);
    }
    expect(await sessionRows()).toBe(0);
  });

  it('creates the session only at a successful callback, and returns to returnTo', async () => {
    await owner.query('DELETE FROM http_session');
    const browser = new TinyBrowser();
    const start = await browser.follow(`${api}/auth/login?returnTo=/api/v1/me`);
    expect(start.response?.body).toContain('Development sign-in');
    expect(await sessionRows()).toBe(0);
    const form = /<form id="login" method="post" action="([^"]+)"/.exec(start.response!.body)![1];
    const done = await browser.follow(new URL(form, auth.issuer).toString(), { form: { username: 'kim' } });
    expect(done.response?.url).toBe(`${api}/api/v1/me`);
    expect(done.response?.status).toBe(200);
    expect(await sessionRows()).toBe(1);
    // The login cookie was used up: replaying the callback is refused and creates nothing.
    const callback = done.hops.find((h) => h.startsWith(`${api}/auth/callback?code=`))!;
    expect((await browser.request(callback)).status).toBe(403);
    expect(await sessionRows()).toBe(1);
  });

  it('refuses a callback whose login cookie is forged', async () => {
    await owner.query('DELETE FROM http_session');
    const login = await fetch(`${api}/auth/login`, { redirect: 'manual' });
    const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
    const [h, p] = /^jml\.login=([^;]+)/.exec(login.headers.getSetCookie()[0])![1].split('.');
    const forged = await fetch(`${api}/auth/callback?code=x&state=${state}`, { redirect: 'manual', headers: { cookie: `jml.login=${h}.${p}.AAAA` } });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ statusCode: 403, message: expect.stringContaining('state') });
    expect(await sessionRows()).toBe(0);
  });

  it('sweeps expired sessions on its schedule and keeps live ones', async () => {
    await owner.query(
      `INSERT INTO http_session (sid, sess, expires_at) VALUES ('expired-1', '{}'::jsonb, now() - interval '1 minute'), ('live-1', '{}'::jsonb, now() + interval '1 hour')`,
    );
    await until(async () => (await owner.query(`SELECT 1 FROM http_session WHERE sid = 'expired-1'`)).rowCount === 0, 10_000, 100);
    expect((await owner.query(`SELECT sid FROM http_session WHERE sid IN ('expired-1', 'live-1')`)).rows).toEqual([{ sid: 'live-1' }]);
  });
});
