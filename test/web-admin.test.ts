import type { Browser } from 'playwright-core';
import { holdRole, http, people, seedRole, seedSodRule, seedSystem, until } from './requests-fixture';
import { expectText, launchBrowser, screenshot, seriousViolations, STAFF, startWebStack, browserSession } from './support/web';

/**
 * The web app's second round (issue 16): cancelling a request the same way from the list and the
 * detail page, a mover dated in another time zone, access at a past moment, the certification
 * administration and catalog editing, each in a real browser against the real stack.
 */
describe('web app: cancel, dated movers, access at a moment, administration', () => {
  let stack: Awaited<ReturnType<typeof startWebStack>>;
  let api: ReturnType<typeof http>;
  let browser: Browser;
  const as = browserSession(() => ({ browser, stack }));

  const joiner = async (key: string, name: string) => {
    const res = await api.post('/api/v1/requests/joiner', 'req', {
      identity: { key, username: key.toLowerCase(), email: `${key.toLowerCase()}@example.org`, name, department: 'Radiology', title: 'Radiographer', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['ehr-clinician'],
      justification: 'New radiographer',
    });
    expect(res.status).toBe(202);
    await api.waitStep(res.body.id, 1);
    return res.body.id as string;
  };

  beforeAll(async () => {
    stack = await startWebStack();
    api = http(stack);
    await people(stack.db, [
      ...STAFF,
      { key: 'mov1', name: 'Mo Mover', manager: 'mgr', department: 'Radiology', title: 'Radiographer' },
      { key: 'old1', name: 'Olive Oldtimer', manager: 'mgr' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['own'], ['clinician', 'prescriber']);
    await seedRole(stack.owner, 'ehr-clinician', 'own', [['ehr', 'clinician']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'ehr-prescriber', 'own', [['ehr', 'prescriber']], [{ kind: 'manager' }]);
    await seedSodRule(stack.owner, 'pay-vs-approve', 'require_dual_approval', ['fin-payer', 'fin-approver']);
    await holdRole(stack.owner, 'mov1', 'ehr-clinician');
    await holdRole(stack.owner, 'old1', 'ehr-clinician');
    // Olive has held her access since January; Mo only since June.
    await stack.owner.query(`UPDATE access_assignment SET granted_at = '2026-01-10T08:00:00Z' WHERE identity_key = 'old1'`);
    await stack.owner.query(`UPDATE access_assignment SET granted_at = '2026-06-01T08:00:00Z' WHERE identity_key = 'mov1'`);
    browser = await launchBrowser();
  });

  it('the requester cancels from the requests list with a reason; the approver never gets the button; the request page then offers none', async () => {
    const id = await joiner('J200', 'Cy Cancelled');
    const max = await as('mgr', `/requests/${id}`);
    await max.getByRole('heading', { name: 'New starter: Cy Cancelled', level: 1 }).waitFor();
    await expectText(max.getByRole('main'), 'What happened');
    expect(await max.getByRole('button', { name: 'Cancel request' }).count()).toBe(0);

    const rita = await as('req', '/requests');
    const row = rita.getByRole('row').filter({ hasText: 'Cy Cancelled' });
    await row.getByRole('button', { name: 'Cancel request' }).click();
    const dialog = rita.getByRole('dialog', { name: 'Cancel this request?' });
    await dialog.getByLabel('Reason (optional)').fill('Offer withdrawn');
    expect(await seriousViolations(rita)).toEqual([]);
    await screenshot(rita, 'request-cancel');
    await dialog.getByRole('button', { name: 'Cancel request' }).click();
    await expectText(row, 'Cancelled');
    const r = await api.waitStatus(id, 'cancelled');
    expect(r.outcome).toBe('cancelled: Offer withdrawn');

    const detail = await as('req', `/requests/${id}`);
    await expectText(detail.getByRole('list', { name: 'Timeline' }), 'cancel');
    expect(await detail.getByRole('button', { name: 'Cancel request' }).count()).toBe(0);
  });

  it('the same cancel on the request page: the requester cancels a waiting joiner there', async () => {
    const id = await joiner('J201', 'Di Detail');
    const rita = await as('req', `/requests/${id}`);
    await rita.getByRole('button', { name: 'Cancel request' }).click();
    await rita.getByRole('dialog', { name: 'Cancel this request?' }).getByRole('button', { name: 'Cancel request' }).click();
    await expectText(rita.getByRole('main'), 'Cancelled: nothing more will happen');
    expect((await api.waitStatus(id, 'cancelled')).outcome).toBe('cancelled');
  });

  it('a mover effective at 09:00 New York time: the preview says when, the request carries that instant', async () => {
    const rita = await as('req', '/requests/new/mover');
    await rita.getByRole('combobox', { name: 'Person changing job' }).fill('Mo');
    await rita.getByRole('option', { name: /Mo Mover \(mov1\)/ }).click();
    const form = rita.getByRole('form', { name: 'Change of job' });
    await form.getByRole('checkbox', { name: /ehr-prescriber/ }).check();
    await form.getByLabel('From a date and time').check();
    await form.getByLabel('Effective from').fill('2027-03-01T09:00');
    await form.getByRole('combobox', { name: 'Time zone' }).fill('America/New_York');
    await rita.getByRole('option', { name: 'America/New_York' }).click();
    await expectText(form, 'Sent as 2027-03-01T09:00:00-05:00');
    const preview = form.getByRole('region', { name: 'Access that will change (preview)' });
    // The browser runs in Europe/Paris: 09:00 in New York is 15:00 there.
    await expectText(preview, '15:00');
    await expectText(preview, 'prescriber');
    await form.getByLabel('Why is this change needed?').fill('Prescribing from March');
    await screenshot(rita, 'new-request-mover-dated');
    await form.getByRole('button', { name: 'Send for approval' }).click();
    await rita.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    const id = rita.url().split('/').pop() as string;
    const r = await until('the mover to be readable', async () => (await api.request(id))?.effectiveAt ? api.request(id) : null);
    expect(Date.parse(r.effectiveAt)).toBe(Date.parse('2027-03-01T14:00:00Z'));
    await expectText(rita.getByRole('main'), 'Effective:');

    // The approver's inbox card says when too, in the approver's zone with the offset (Paris: 15:00 +01:00).
    const max = await as('mgr', '/approvals');
    const card = max.getByRole('article', { name: /Change of job: Mo Mover/ });
    await expectText(card, 'Takes effect:');
    await expectText(card, '15:00 GMT+01:00');
    expect(await seriousViolations(max)).toEqual([]);
  });

  it('an auditor sees who held access at a past moment (deep link) and now', async () => {
    const audra = await as('aud', '/audit/access?at=2026-03-01T12:00:00%2B01:00');
    const table = audra.getByRole('table', { name: 'Access held' });
    await expectText(table, 'Olive Oldtimer');
    await expectText(audra.getByRole('main'), 'Access held on');
    expect(await table.getByText('Mo Mover').count()).toBe(0);
    expect(await seriousViolations(audra)).toEqual([]);
    await screenshot(audra, 'audit-access-at');

    await audra.getByRole('textbox', { name: 'Moment' }).fill('2026-07-01T12:00');
    await audra.getByRole('button', { name: 'Show access' }).click();
    await audra.waitForURL(/at=2026-07-01T12%3A00%3A00%2B02%3A00/);
    await expectText(table, 'Mo Mover');
    await expectText(table, 'Imported from the old records');
  });

  it('an admin checks a campaign before launch (pre-flight shown), launches it, reads its report and CSV; schedules are listed, created and deleted', async () => {
    const ada = await as('adm', '/campaigns/start');
    const form = ada.getByRole('form', { name: 'Start a campaign' });
    await form.getByRole('textbox', { name: 'Campaign name' }).fill('Spring manager review');
    await form.getByRole('combobox', { name: 'Reviewer when nobody else can' }).fill('Ada');
    await ada.getByRole('option', { name: /Ada Admin \(adm\)/ }).click();
    const launch = form.getByRole('button', { name: 'Launch campaign' });
    expect(await launch.isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Check before launch' }).click();
    const preflight = form.getByRole('region', { name: 'Before launch' });
    await expectText(preflight, 'It can start.');
    await expectText(preflight, 'items to review');
    await expectText(preflight.getByRole('list', { name: 'Items per reviewer' }), 'mgr:');
    expect(await seriousViolations(ada)).toEqual([]);
    await screenshot(ada, 'campaigns-start-preflight');
    // Nothing started by the check.
    expect((await api.get('/api/v1/certifications', 'adm')).body.items).toEqual([]);
    await launch.click();
    await expectText(form, 'Launched');
    await form.getByRole('link', { name: 'Open its report' }).click();
    const json = ada.getByLabel('Campaign report (JSON)');
    await expectText(json, 'Spring manager review');
    const csv = await ada.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const res = await ada.request.get(csv as string);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/csv/);
    await screenshot(ada, 'campaigns-report');

    await ada.getByRole('tab', { name: 'Recurring campaigns' }).click();
    await expectText(ada.getByRole('main'), 'No recurring campaigns');
    const sched = ada.getByRole('form', { name: 'New schedule' });
    await sched.getByRole('textbox', { name: 'Schedule name' }).fill('Quarterly');
    await sched.getByRole('textbox', { name: 'Campaign name' }).fill('Quarterly manager review');
    await sched.getByRole('combobox', { name: 'Reviewer when nobody else can' }).fill('Ada');
    await ada.getByRole('option', { name: /Ada Admin \(adm\)/ }).click();
    await sched.getByRole('button', { name: 'Create schedule' }).click();
    await expectText(sched, 'Schedule created');
    const table = ada.getByRole('table', { name: 'Schedules' });
    await expectText(table, 'every 90d');
    expect(await seriousViolations(ada)).toEqual([]);
    await screenshot(ada, 'campaigns-schedules');
    await table.getByRole('button', { name: 'Delete schedule Quarterly' }).click();
    await expectText(ada.getByRole('main'), 'No recurring campaigns');
    expect((await api.get('/api/v1/certification-schedules', 'adm')).body.items).toEqual([]);

    // An auditor reads the reports, and is offered neither launching nor schedules.
    const audra = await as('aud', '/campaigns');
    await expectText(audra.getByRole('table', { name: 'Campaigns' }), 'Spring manager review');
    expect(await audra.getByRole('tab').allTextContents()).toEqual(['Campaigns and reports']);
  });

  it('an admin retires a conflict rule from the catalog; an auditor reads the rules without the action', async () => {
    const audra = await as('aud', '/catalog/sod-rules');
    await expectText(audra.getByRole('table', { name: 'Separation-of-duties rules' }), 'pay-vs-approve');
    expect(await audra.getByRole('button', { name: /Retire rule/ }).count()).toBe(0);
    const ada = await as('adm', '/catalog/sod-rules');
    const row = ada.getByRole('row').filter({ hasText: 'pay-vs-approve' });
    await row.getByRole('button', { name: 'Retire rule pay-vs-approve' }).click();
    await expectText(row, 'Retired');
    expect((await api.get('/api/v1/sod-rules/pay-vs-approve', 'adm')).body.status).toBe('retired');
  });
});
