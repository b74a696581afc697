/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser } from 'playwright-core';
import { holdRole, http, people, seedRole, seedSystem, until } from './requests-fixture';
import { expectText, launchBrowser, screenshot, startWebStack, browserSession } from './support/web';

/**
 * The web application in a real browser (Debian's Chromium through playwright-core), against the
 * real stack: people sign in on the dev IdP's login page and do their work in the pages.
 */
describe('web app: the JML flows in a browser', () => {
  let stack: Awaited<ReturnType<typeof startWebStack>>;
  let api: ReturnType<typeof http>;
  let browser: Browser;
  const as = browserSession(() => ({ browser, stack }));

  beforeAll(async () => {
    stack = await startWebStack();
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', name: 'Ada Admin', roles: ['admin'] },
      { key: 'boss', name: 'Bea Boss' },
      { key: 'mgr', name: 'Max Manager', manager: 'boss', roles: ['approver'] },
      { key: 'req', name: 'Rita Requester', roles: ['requester'] },
      { key: 'ehrown', name: 'Olga Owner', roles: ['system_owner'] },
      { key: 'ehrown2', name: 'Otto Owner', roles: ['system_owner'] },
      { key: 'finown', name: 'Fin Owner', roles: ['system_owner'] },
      { key: 'hrp', name: 'Hana HR', roles: ['hr'] },
      { key: 'mov1', name: 'Mo Mover', manager: 'mgr', department: 'Radiology', title: 'Radiographer' },
      { key: 'lv1', name: 'Leo Leaver', manager: 'mgr' },
    ]);
    // The requester also owns the EHR: eligible for its owner step, yet never for their own request.
    await seedSystem(stack.owner, 'ehr', ['ehrown', 'ehrown2', 'req'], ['clinician', 'prescriber']);
    await seedSystem(stack.owner, 'fin', ['finown'], ['payer']);
    await stack.owner.query(`UPDATE entitlement SET privileged = true WHERE system_key = 'ehr' AND key = 'prescriber'`);
    await seedRole(stack.owner, 'ehr-clinician', 'ehrown', [['ehr', 'clinician']], [{ kind: 'manager' }, { kind: 'system_owner' }]);
    await seedRole(stack.owner, 'ehr-prescriber', 'ehrown', [['ehr', 'prescriber']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'fin-payer', 'finown', [['fin', 'payer']], [{ kind: 'manager' }]);
    await holdRole(stack.owner, 'mov1', 'ehr-clinician');
    await holdRole(stack.owner, 'lv1', 'ehr-clinician');
    browser = await launchBrowser();
  });

  it('a joiner asked for in the form, approved by two approvers, attested by the owner, shown completed with its timeline', async () => {
    const rita = await as('req', '/requests/new');
    await rita.getByRole('heading', { name: 'New request', level: 1 }).waitFor();
    const form = rita.getByRole('form', { name: 'New starter' });
    await form.getByLabel('Employee id').fill('J100');
    await form.getByLabel('Full name').fill('Jo Joiner');
    await form.getByLabel('Username').fill('jjoiner');
    await form.getByLabel('Email').fill('jjoiner@example.org');
    await form.getByLabel('Department').fill('Radiology');
    await form.getByLabel('Job title').fill('Radiographer');
    await form.getByRole('combobox', { name: 'Manager' }).fill('Max');
    await rita.getByRole('option', { name: /Max Manager \(mgr\)/ }).click();
    await form.getByLabel('Start date').fill('2027-01-04');
    await form.getByRole('checkbox', { name: /ehr-clinician/ }).check();
    await expectText(form.getByRole('region', { name: 'Access this request will give' }), 'clinician');
    await form.getByLabel('Why does this person need this access?').fill('New radiographer starting in January');
    await screenshot(rita, 'new-request-joiner');
    await form.getByRole('button', { name: 'Send for approval' }).click();
    await rita.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    const id = rita.url().split('/').pop() as string;
    await rita.getByRole('heading', { name: 'New starter: Jo Joiner', level: 1 }).waitFor();

    // Step 1: the manager decides in the inbox, with the diff and the SoD result above the buttons.
    await api.waitStep(id, 1);
    const max = await as('mgr', '/approvals');
    const card = max.getByRole('article', { name: /Jo Joiner/ });
    await expectText(card, 'New radiographer starting in January');
    await expectText(card.getByRole('region', { name: 'Access that changes' }), 'clinician');
    await expectText(card.getByRole('region', { name: 'Separation of duties' }), 'No conflicts');
    await screenshot(max, 'approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    await expectText(card, 'Your decision is recorded');

    // Step 2 (system owners): the requester owns the EHR, yet the page offers them no decision
    // and the API refuses one; another owner approves.
    await api.waitStep(id, 2);
    const ritaAgain = await as('req', `/requests/${id}`);
    await expectText(ritaAgain.getByRole('region', { name: 'Approvals' }), 'someone else must approve it');
    expect(await ritaAgain.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect((await api.post(`/api/v1/requests/${id}/decisions`, 'req', { decision: 'approve', comment: 'mine' })).status).toBe(403);
    const ritaInbox = await as('req', '/approvals');
    await expectText(ritaInbox.getByRole('main'), 'Nothing waits for your approval');

    const otto = await as('ehrown2', '/approvals');
    const second = otto.getByRole('article', { name: /Jo Joiner/ });
    // Rejecting needs a comment: the form says so and sends nothing.
    await second.getByRole('button', { name: 'Reject' }).click();
    await expectText(second, 'Say why you reject');
    await second.getByRole('button', { name: 'Approve' }).click();
    await expectText(second, 'Your decision is recorded');

    // The owner attests the grant task in My tasks, with a note and the ticket reference.
    await api.waitStatus(id, 'provisioning');
    const olga = await as('ehrown', '/tasks');
    const task = olga.getByRole('article', { name: /Give access on EHR/ });
    await expectText(task, 'Jo Joiner');
    await screenshot(olga, 'tasks');
    await task.getByLabel('What you did (note)').fill('Account created with the clinician profile');
    await task.getByLabel('Ticket reference').fill('INC-100');
    await task.getByRole('button', { name: 'Confirm done' }).click();
    await expectText(task, 'Confirmed as done');

    await api.waitStatus(id, 'completed');
    const done = await as('req', `/requests/${id}`);
    await expectText(done.getByRole('heading', { level: 1 }).locator('..'), 'Completed');
    const timeline = done.getByRole('list', { name: 'Timeline' });
    await expectText(timeline, 'Rita Requester asked for this request');
    await expectText(timeline, 'Max Manager approved');
    await expectText(timeline, 'Otto Owner approved');
    await expectText(timeline, 'Olga Owner confirmed the task on ehr is done');
    await expectText(done.getByRole('region', { name: 'Approvals' }), 'Approved by Otto Owner (ehrown2)');
    await screenshot(done, 'request-detail');
  });

  it("a mover's diff (added and removed, per system) is on the approver's screen before the buttons", async () => {
    const rita = await as('req', '/requests/new/mover');
    await rita.getByRole('combobox', { name: 'Person changing job' }).fill('Mo');
    await rita.getByRole('option', { name: /Mo Mover \(mov1\)/ }).click();
    const form = rita.getByRole('form', { name: 'Change of job' });
    await expectText(form.getByRole('region', { name: 'Current access' }), 'ehr-clinician on ehr');
    await form.getByRole('checkbox', { name: /ehr-prescriber/ }).check();
    await form.getByRole('checkbox', { name: /ehr-clinician/ }).check();
    await form.getByLabel('New job title').fill('Senior radiographer');
    const preview = form.getByRole('region', { name: 'Access that will change (preview)' });
    await expectText(preview, 'prescriber');
    await expectText(preview, 'Privileged');
    await form.getByLabel('Why is this change needed?').fill('Promoted to senior radiographer');
    await screenshot(rita, 'new-request-mover');
    await form.getByRole('button', { name: 'Send for approval' }).click();
    await rita.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    const id = rita.url().split('/').pop() as string;

    await api.waitStep(id, 1);
    const max = await as('mgr', '/approvals');
    const card = max.getByRole('article', { name: /Mo Mover/ });
    const diff = card.getByRole('region', { name: 'Access that changes' });
    await expectText(diff, 'Added');
    await expectText(diff, 'prescriber');
    await expectText(diff, 'Removed');
    await expectText(diff, 'clinician');
    await expectText(card, 'Job title: Senior radiographer');
    // Reading order: the diff and the SoD findings come before the decision buttons.
    const before = await card.evaluate((el) => {
      const q = (sel: string) => el.querySelector(sel) as Element;
      const approve = Array.from(el.querySelectorAll('button')).find((b) => b.textContent === 'Approve') as Element;
      const precedes = (a: Element) => Boolean(a.compareDocumentPosition(approve) & Node.DOCUMENT_POSITION_FOLLOWING);
      return precedes(q('[aria-label="Access that changes"]')) && precedes(q('[aria-label="Separation of duties"]'));
    });
    expect(before).toBe(true);
    const request = await api.request(id);
    expect(request.diff).toEqual({ add: [{ system: 'ehr', entitlement: 'prescriber' }], remove: [{ system: 'ehr', entitlement: 'clinician' }] });
  });

  it('HR schedules a leaver an hour ahead in the form, then brings it forward', async () => {
    const hana = await as('hrp', '/hr');
    const form = hana.getByRole('form', { name: 'Leaver' });
    await form.getByRole('combobox', { name: 'Person leaving' }).fill('Leo');
    await hana.getByRole('option', { name: /Leo Leaver \(lv1\)/ }).click();
    await form.getByLabel('At a date and time').check();
    // The default is an hour from now, in the viewer's zone, sent with its offset.
    await expectText(form, 'Sent as ');
    await form.getByLabel('Reason').click();
    await hana.getByRole('option', { name: 'Dismissed for cause' }).click();
    await expectText(form, 'takes effect immediately');
    await form.getByLabel('Reason').click();
    await hana.getByRole('option', { name: 'Resigned or retired' }).click();
    await form.getByLabel('At a date and time').check();
    await screenshot(hana, 'hr');
    await form.getByRole('button', { name: 'Schedule leaver' }).click();
    await expectText(form, 'Scheduled: access ends');

    const href = (await form.getByRole('link', { name: 'Open the request' }).getAttribute('href')) as string;
    const id = href.split('/').pop() as string;
    // The 202 comes before the workflow has written the request row.
    const scheduled = await until('the scheduled leaver to be readable', async () => {
      const r = await api.request(id);
      return r?.status === 'scheduled' ? r : null;
    });
    const ahead = new Date(scheduled.effectiveAt).getTime() - Date.now();
    expect(ahead).toBeGreaterThan(50 * 60_000);
    expect(ahead).toBeLessThan(61 * 60_000);

    const card = hana.getByRole('article', { name: 'Leaver Leo Leaver' });
    await card.getByRole('button', { name: 'Make effective now' }).click();
    await expectText(hana.getByRole('main'), 'Brought forward');
    const effective = await until('the leaver to take effect', async () => {
      const r = await api.request(id);
      return r.status !== 'scheduled' && r.tasks.length > 0 ? r : null;
    });
    expect(effective.tasks).toEqual([expect.objectContaining({ system: 'ehr', action: 'revoke', entitlements: ['clinician'] })]);
    const page = await as('hrp', `/requests/${id}`);
    await expectText(page.getByRole('list', { name: 'Timeline' }), 'brought the leaving date forward');
  });
});

