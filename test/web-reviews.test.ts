import type { Browser, Page } from 'playwright-core';
import { http, people, seedRole, seedSystem, until } from './requests-fixture';
import { expectText, launchBrowser, screenshot, seriousViolations, signIn, startWebStack, browserSession } from './support/web';

/** A certification review in the browser: the reviewer decides in bulk with one removal, previewed first, then signs off. */
describe('web app: an access review decided in bulk', () => {
  let stack: Awaited<ReturnType<typeof startWebStack>>;
  let api: ReturnType<typeof http>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startWebStack({ CERTIFICATION_RECONCILE_INTERVAL: '1s' });
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', name: 'Ada Admin', roles: ['admin'] },
      { key: 'boss', name: 'Bea Boss' },
      { key: 'mgr', name: 'Max Manager', manager: 'boss' },
      { key: 'alice', name: 'Alice Doe', manager: 'mgr' },
      { key: 'bob', name: 'Bob Roe', manager: 'mgr' },
      { key: 'own', name: 'Olga Owner', manager: 'boss' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['own'], ['user']);
    await seedSystem(stack.owner, 'lab', ['own'], ['admin']);
    await stack.owner.query(`UPDATE entitlement SET privileged = true WHERE system_key = 'lab'`);
    await seedRole(stack.owner, 'ehr-user', 'own', [['ehr', 'user']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'lab-admin', 'own', [['lab', 'admin']], [{ kind: 'manager' }]);
    for (const [who, role] of [['alice', 'ehr-user'], ['alice', 'lab-admin'], ['bob', 'ehr-user']]) {
      const { rows } = await stack.owner.query(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES (gen_random_uuid(), 'test', 'test', '{}') RETURNING id`);
      await stack.owner.query(
        `INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
         SELECT $1, role_key, version, entitlements, 'imported', $3, now() FROM role_version WHERE role_key = $2 AND version = 1`,
        [who, role, rows[0].id],
      );
    }
    browser = await launchBrowser();
  });

  browserSession(() => ({ browser, stack }));

  it('keeps two items and removes one (comment required), each previewed per row, then signs off', async () => {
    const started = await api.post('/api/v1/certifications', 'adm', {
      name: 'Q4 manager review', scope: { type: 'manager', key: 'mgr' }, reviewer: 'manager', fallbackReviewer: 'boss',
      dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), deadlinePolicy: 'keep',
    });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    await until('the campaign to be active', async () => (await api.get(`/api/v1/certifications/${id}`, 'adm')).body?.status === 'active');

    ({ page } = await signIn(browser, stack.url, 'mgr', '/reviews'));
    await page.getByRole('link', { name: /Q4 manager review/ }).click();
    await page.waitForURL(new RegExp(`/reviews/${id}$`));
    const alice = page.getByRole('region', { name: 'Alice Doe' });
    await expectText(alice, 'Privileged access');
    await expectText(alice, 'Never approved here (imported)');
    await screenshot(page, 'reviews');
    expect(await seriousViolations(page)).toEqual([]);

    // Keep everything but Alice's lab admin access.
    await page.getByRole('button', { name: 'Select all shown' }).click();
    await page.getByRole('checkbox', { name: 'Select lab-admin on lab for Alice Doe' }).uncheck();
    await page.getByRole('button', { name: 'Keep access…' }).click();
    const keep = page.getByRole('dialog');
    const rows = keep.getByRole('table', { name: 'What will happen' }).getByRole('row');
    expect(await rows.count()).toBe(3); // header + 2
    await expectText(keep, 'Kept as it is');
    await keep.getByRole('button', { name: 'Confirm: keep 2' }).click();
    await keep.waitFor({ state: 'detached' });

    await page.getByRole('checkbox', { name: 'Select lab-admin on lab for Alice Doe' }).check();
    await page.getByRole('button', { name: 'Remove access…' }).click();
    const remove = page.getByRole('dialog');
    await expectText(remove, 'Removed: the owners of lab get a task to take it away');
    await remove.getByRole('button', { name: 'Confirm: remove 1' }).click();
    await expectText(remove, 'Say why');
    await remove.getByLabel('Why remove it? (required)').fill('No longer runs the lab');
    await remove.getByRole('button', { name: 'Confirm: remove 1' }).click();
    await remove.waitFor({ state: 'detached' });
    await expectText(page.getByRole('main'), '3 of 3 decided');

    await page.getByRole('button', { name: 'Sign off my review' }).click();
    await expectText(page.getByRole('main'), 'You signed off');
    const c = await until('the decisions to count', async () => {
      const r = (await api.get(`/api/v1/certifications/${id}`, 'adm')).body;
      return r?.counts?.certified === 2 && r.counts.revoked === 1 ? r : null;
    });
    expect(c.counts).toMatchObject({ total: 3, pending: 0, certified: 2, revoked: 1 });
  });
});

