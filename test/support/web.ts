import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../libs/devstack/chromium';
import { freePort } from '../../libs/devstack/ports';
import { webDir } from '../../apps/api/src/web/web-app.module';
import { createApiApp } from '../../apps/api/src/create-app';
import { FAST_TIMING, type RequestStack } from '../requests-fixture';
import { startAuthHarness, type TestIdentity } from './auth';
import { createOrm, freshDatabase, startWorker } from './services';
import { Client as PgClient } from 'pg';

/**
 * The stack a person's browser meets: the API serving the built web app on a known port (the
 * IdP's redirect goes back to it), the dev IdP with its login page, a worker, Temporal and
 * PostgreSQL. Same shape as `startRequestStack`, so the catalog seeding helpers apply.
 */
export async function startWebStack(env: Record<string, string> = {}): Promise<RequestStack & { url: string }> {
  if (!existsSync(join(webDir(), 'index.html'))) throw new Error(`The web app is not built (${webDir()}): run npm run build first`);
  const db = await freshDatabase();
  const owner = new PgClient({ connectionString: db.ownerUrl });
  await owner.connect();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const auth = await startAuthHarness(db, { ...FAST_TIMING, PUBLIC_URL: url, ...env });
  const orm = await createOrm(db.serviceUrl);
  const worker = await startWorker(auth.config, orm);
  const app = await createApiApp(auth.config);
  await app.listen(port, '127.0.0.1');
  const api = { app, url, close: () => app.close() };
  const stack = {
    db, owner, orm, auth, api, worker, url,
    async stop() {
      await app.close().catch(() => undefined);
      await worker.stop().catch(() => undefined);
      await auth.stop().catch(() => undefined);
      await orm.close(true);
      await owner.end();
      await db.drop();
    },
  };
  return stack;
}

export function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.JML_TEST_CHROMIUM;
  if (!executablePath) throw new Error('JML_TEST_CHROMIUM is not set: run the browser tests through jest (its global setup finds Chromium)');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A person's own browser (own cookies), signed in through the dev IdP's login page: open `path`,
 * get sent to sign in, type the username, land back on `path`.
 */
export async function signIn(browser: Browser, baseUrl: string, username: string, path = '/'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, timezoneId: 'Europe/Paris', locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  await page.goto(path);
  await page.getByRole('heading', { name: 'Development sign-in' }).waitFor();
  await page.locator('form#login input[name="username"]').fill(username);
  await page.locator('form#login button[type="submit"]').click();
  await page.waitForURL((u) => u.origin === baseUrl && !u.pathname.startsWith('/auth/'));
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { context, page };
}

/**
 * axe-core over the page once it has settled: the serious and critical WCAG 2.1 A/AA violations,
 * in words. It first waits for every finite CSS transition and animation to end: a button that has
 * just been enabled fades from grey to its colour over 250 ms, and axe measuring it half-way
 * reported a contrast failure the page never shows at rest (CI run of stop 18). Endless animations
 * (spinners) are left running.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await settleAnimations(page);
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Resolves when the page's finite transitions and animations have finished (or been cancelled). */
export async function settleAnimations(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)))
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
}

/** With SCREENSHOTS_DIR set (`npm run screenshots`), saves the page as `<name>.png` there. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Waits for `text` inside `locator`; on failure says what the locator showed instead. */
export async function expectText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ timeout: 20_000 });
  } catch {
    throw new Error(`expected "${text}" in ${locator.toString()}, found: ${(await locator.first().innerText().catch(() => '?')).slice(0, 1500)}`);
  }
}

/** The staff of the browser tests: one person per application role, keys as the pages' tests name them. */
export const STAFF: TestIdentity[] = [
  { key: 'adm', name: 'Ada Admin', roles: ['admin'] },
  { key: 'mgr', name: 'Max Manager', roles: ['approver'] },
  { key: 'req', name: 'Rita Requester', roles: ['requester'] },
  { key: 'own', name: 'Olga Owner', roles: ['system_owner'] },
  { key: 'aud', name: 'Audra Auditor', roles: ['auditor'] },
];

/**
 * The frame every browser test file shares. Returns `as(username, path)`: a page in that person's
 * own browser context, signed in and open at `path`. After each test the pages it opened close;
 * after the file, the browser and the stack. `get` is read late, once beforeAll has set them.
 */
export function browserSession(get: () => { browser?: Browser; stack?: { url: string; stop(): Promise<void> } }): (username: string, path: string) => Promise<Page> {
  const open: Page[] = [];
  afterEach(async () => {
    for (const p of open.splice(0)) await p.context().close();
  });
  afterAll(async () => {
    const { browser, stack } = get();
    await browser?.close();
    await stack?.stop();
  });
  return async (username, path) => {
    const { browser, stack } = get();
    if (!browser || !stack) throw new Error('browserSession: the browser or the stack did not start');
    const { page } = await signIn(browser, stack.url, username, path);
    open.push(page);
    return page;
  };
}
