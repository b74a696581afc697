/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { holdRole, http, people, seedRole, seedSodRule, seedSystem } from './requests-fixture';
import { extractTo, unzip } from './support/unzip';
import { launchBrowser, screenshot, seriousViolations, signIn, STAFF, startWebStack, browserSession } from './support/web';

/**
 * Every page of the web app in a real browser: it loads from the API's origin (deep links too),
 * shows its content (never a blank page), and axe-core finds no serious or critical WCAG 2.1 AA
 * violation on it. With SCREENSHOTS_DIR set, each page is saved (npm run screenshots).
 */
describe('web app: every page, served by the API, accessible', () => {
  let stack: Awaited<ReturnType<typeof startWebStack>>;
  let api: ReturnType<typeof http>;
  let browser: Browser;
  let page: Page;
  let requestId: string;

  beforeAll(async () => {
    stack = await startWebStack();
    api = http(stack);
    await people(stack.db, [
      ...STAFF,
      { key: 'p1', name: 'Pat Person', manager: 'mgr', department: 'Pharmacy', title: 'Pharmacist' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['own'], ['clinician', 'prescriber']);
    await seedSystem(stack.owner, 'fin', ['own'], ['payer', 'approver']);
    await stack.owner.query(`UPDATE entitlement SET privileged = true WHERE key = 'prescriber'`);
    await seedRole(stack.owner, 'ehr-clinician', 'own', [['ehr', 'clinician']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'fin-payer', 'own', [['fin', 'payer']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'fin-approver', 'own', [['fin', 'approver']], [{ kind: 'manager' }]);
    await seedSodRule(stack.owner, 'pay-vs-approve', 'block', ['fin-payer', 'fin-approver']);
    await holdRole(stack.owner, 'p1', 'fin-payer');
    await holdRole(stack.owner, 'p1', 'fin-approver');
    const res = await api.post('/api/v1/requests/joiner', 'req', {
      identity: { key: 'J1', username: 'j1', email: 'j1@example.org', name: 'Jo Joiner', department: 'Radiology', title: 'Radiographer', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['ehr-clinician'],
      justification: 'New radiographer',
    });
    expect(res.status).toBe(202);
    requestId = res.body.id;
    await api.waitStep(requestId, 1);
    browser = await launchBrowser();
    ({ page } = await signIn(browser, stack.url, 'adm', '/'));
  });

  browserSession(() => ({ browser, stack }));

  it('is served at / from the API origin with deep links, never shadowing the API, docs, health or metrics', async () => {
    const get = (path: string) => fetch(`${stack.url}${path}`);
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await home.text();
    expect(html).toContain('<div id="root">');
    const deep = await get(`/requests/${requestId}`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await get(asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');

    const unknownApi = await get('/api/v1/no-such-thing');
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toMatchObject({ statusCode: 404 });
    expect((await get('/api/v1/me')).status).toBe(401);
    expect((await get('/docs-json')).headers.get('content-type')).toMatch(/json/);
    expect((await get('/health/live')).headers.get('content-type')).toMatch(/json/);
    expect((await get('/metrics')).headers.get('content-type')).toMatch(/text\/plain/);
    expect((await get('/auth/nope')).headers.get('content-type') ?? '').not.toMatch(/html/);
  });

  const pages: [name: string, path: () => string, shows: string][] = [
    ['home', () => '/', 'Approvals waiting for you'],
    ['approvals-empty', () => '/approvals', 'Nothing waits for your approval'],
    ['tasks-empty', () => '/tasks', 'No tasks to do'],
    ['requests', () => '/requests', 'Jo Joiner'],
    ['request-waiting', () => `/requests/${requestId}`, 'What happened'],
    ['new-request', () => '/requests/new', 'Roles (what the person needs to do the job)'],
    ['new-request-mover-empty', () => '/requests/new/mover', 'Person changing job'],
    ['hr-leavers', () => '/hr', 'No leavers are scheduled'],
    ['reviews-empty', () => '/reviews', 'No access reviews for you'],
    ['audit-ledger', () => '/audit', 'asked for this request'],
    ['audit-access', () => '/audit/access', 'Access held now'],
    ['campaigns-start', () => '/campaigns/start', 'Check before launch'],
    ['campaigns-reports', () => '/campaigns/reports', 'No campaigns yet'],
    ['campaigns-schedules', () => '/campaigns/schedules', 'No recurring campaigns'],
    ['audit-verify', () => '/audit/verify', 'Check the audit trail'],
    ['audit-reports', () => '/audit/reports', 'hold conflicting access today'],
    ['audit-evidence', () => '/audit/evidence', 'node verify.mjs'],
    ['catalog-systems', () => '/catalog/systems', 'prescriber · privileged'],
    ['catalog-roles', () => '/catalog/roles', 'ehr-clinician'],
    ['catalog-role-versions', () => '/catalog/roles/ehr-clinician', 'Version 1'],
    ['catalog-sod-rules', () => '/catalog/sod-rules', 'pay-vs-approve'],
    ['catalog-people', () => '/catalog/identities', 'Name, username or employee id'],
    ['catalog-person-access', () => '/catalog/identities/p1', 'Imported from the old records, never approved here'],
    ['not-found', () => '/no/such/page', 'There is no page at this address'],
  ];

  it.each(pages)('%s: shows its content and has no serious or critical axe violations', async (name, path, shows) => {
    await page.goto(path());
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByRole('main').filter({ hasText: shows }).waitFor();
    // Settled: no loading indicator left on the page.
    await page.waitForFunction(() => !document.querySelector('[role="status"] .MuiCircularProgress-root'));
    if (name === 'audit-verify') {
      await page.getByRole('button', { name: 'Check the audit trail' }).click();
      await page.getByText(/Intact: all \d+ records match/).waitFor();
    }
    await screenshot(page, name);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('an auditor downloads an evidence pack from the audit page, and its own verifier says VERIFIED offline', async () => {
    const { context, page: audra } = await signIn(browser, stack.url, 'aud', '/audit/evidence');
    try {
      const form = audra.getByRole('form', { name: 'Evidence pack' });
      await form.getByRole('combobox', { name: 'Person' }).fill('Pat');
      await audra.getByRole('option', { name: /Pat Person \(p1\)/ }).click();
      const [download] = await Promise.all([audra.waitForEvent('download'), form.getByRole('link', { name: 'Download evidence pack' }).click()]);
      const dir = mkdtempSync(join(tmpdir(), 'jml-web-evidence-'));
      const zip = join(dir, 'pack.zip');
      await download.saveAs(zip);
      const files = extractTo(await unzip(readFileSync(zip)), join(dir, 'pack'));
      const r = spawnSync(process.execPath, ['verify.mjs'], { cwd: files, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toContain('VERDICT: VERIFIED');
      expect(r.status).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('is keyboard operable: skip link, then the main navigation by Tab', async () => {
    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#main');
    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent)) === 'Requests') break;
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/requests$/);
    await page.getByRole('heading', { name: 'Requests', level: 1 }).waitFor();
  });

  it('first load (cold cache, signed in) shows the home page within 10 s, and reports the time', async () => {
    const state = await page.context().storageState();
    const cold = await browser.newContext({ baseURL: stack.url, storageState: state, timezoneId: 'Europe/Paris' });
    try {
      const fresh = await cold.newPage();
      const started = Date.now();
      await fresh.goto('/');
      await fresh.getByRole('heading', { name: /^Hello, / }).waitFor();
      await fresh.getByText(/^\d+\+?$/).first().waitFor();
      const ms = Date.now() - started;
      const transferred = await fresh.evaluate(() =>
        performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation')).reduce((n, e) => n + ((e as PerformanceResourceTiming).transferSize || 0), 0),
      );
      process.stderr.write(`[web] first load of / to counts shown: ${ms} ms, ${Math.round(transferred / 1024)} KiB transferred\n`);
      expect(ms).toBeLessThan(10_000);
    } finally {
      await cold.close();
    }
  });

  it('shows times in the viewer zone with the offset, and an error state (not a blank page) when the API fails', async () => {
    await page.goto(`/requests/${requestId}`);
    // The browser runs in Europe/Paris (support/web.ts): every time carries its offset.
    await page.getByRole('list', { name: 'Timeline' }).getByText(/GMT\+0?1(:00)?/).first().waitFor();
    await page.goto('/requests/00000000-0000-4000-8000-000000000000');
    await page.getByRole('alert').filter({ hasText: 'Could not load the request' }).waitFor();
  });
});
