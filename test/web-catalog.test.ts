import type { Browser, Page } from 'playwright-core';
import { http, people, seedRole, seedSodRule, seedSystem } from './requests-fixture';
import { expectText, launchBrowser, screenshot, seriousViolations, STAFF, startWebStack, browserSession } from './support/web';

/**
 * Catalog editing in the browser (issue 16): an admin adds a system, a role that uses it, changes
 * the role (version 2 in the history), adds and changes a conflict rule; the API's field problems
 * show beside the fields, a 409 is said in words; everyone else reads without edit controls.
 */
describe('web app: an admin edits the catalog', () => {
  let stack: Awaited<ReturnType<typeof startWebStack>>;
  let api: ReturnType<typeof http>;
  let browser: Browser;
  const as = browserSession(() => ({ browser, stack }));

  /** Picks `option` in the MUI select or autocomplete labelled `label` inside `scope`, typing `typed` first. */
  const pick = async (page: Page, scope: ReturnType<Page['getByRole']>, label: string, option: string | RegExp, typed?: string) => {
    const box = scope.getByRole('combobox', { name: label, exact: true });
    if (typed) await box.fill(typed);
    else await box.click();
    await page.getByRole('option', { name: option }).click();
  };

  beforeAll(async () => {
    stack = await startWebStack();
    api = http(stack);
    await people(stack.db, STAFF);
    await seedSystem(stack.owner, 'ehr', ['own'], ['clinician']);
    await seedRole(stack.owner, 'ehr-clinician', 'own', [['ehr', 'clinician']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'ehr-auditor', 'own', [['ehr', 'clinician']], [{ kind: 'manager' }]);
    await seedSodRule(stack.owner, 'treat-vs-audit', 'block', ['ehr-clinician', 'ehr-auditor']);
    browser = await launchBrowser();
  });

  it('an admin adds a system: bad values are named beside their fields, nothing is saved until they are fixed', async () => {
    const ada = await as('adm', '/catalog/systems');
    await ada.getByRole('link', { name: 'Add a system' }).click();
    const form = ada.getByRole('form', { name: 'New system' });
    await form.getByRole('textbox', { name: 'Key', exact: true }).fill('Lab System');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Laboratory');
    await pick(ada, form, 'Owners', /Olga Owner \(own\)/, 'Olga');
    await pick(ada, form, 'How tasks reach the owners', 'Helpdesk ticket');
    await form.getByRole('textbox', { name: 'Helpdesk address (URL)' }).fill('not a url');
    const rows = form.getByRole('group', { name: 'Entitlement 1' });
    await rows.getByRole('textbox', { name: 'Entitlement key' }).fill('results-read');
    await rows.getByRole('textbox', { name: 'Entitlement name' }).fill('Read results');
    await form.getByRole('button', { name: 'Add an entitlement' }).click();
    const second = form.getByRole('group', { name: 'Entitlement 2' });
    await second.getByRole('textbox', { name: 'Entitlement key' }).fill('results-sign');
    await second.getByRole('textbox', { name: 'Entitlement name' }).fill('Sign results');
    await second.getByRole('checkbox', { name: 'Privileged (admin-level)' }).check();
    await form.getByRole('button', { name: 'Add system' }).click();

    await expectText(form.getByRole('alert'), 'Nothing was saved: please fix the marked fields.');
    // Each problem sits in the helper text of its own field (aria-describedby), in the API's words.
    const key = form.getByRole('textbox', { name: 'Key', exact: true });
    expect(await key.getAttribute('aria-invalid')).toBe('true');
    await expectText(form, 'key must be lower-case letters');
    expect(await seriousViolations(ada)).toEqual([]);
    await screenshot(ada, 'catalog-system-form-errors');
    // The form's shape is fine now; the catalog's own rules name the next problem, beside its field.
    await key.fill('lab');
    await form.getByRole('button', { name: 'Add system' }).click();
    await expectText(form, 'must be the helpdesk http(s) URL for the webhook channel');
    expect(await key.getAttribute('aria-invalid')).toBe('false');
    expect((await api.get('/api/v1/systems', 'adm')).body.items.map((s: { key: string }) => s.key)).toEqual(['ehr']);

    await form.getByRole('textbox', { name: 'Helpdesk address (URL)' }).fill('https://helpdesk.example.org/api/tickets');
    await form.getByRole('button', { name: 'Add system' }).click();
    await ada.waitForURL(/\/catalog\/systems$/);
    await expectText(ada.getByRole('table', { name: 'Systems' }), 'Laboratory (lab)');
    const lab = (await api.get('/api/v1/systems/lab', 'adm')).body;
    expect(lab).toMatchObject({ owners: ['own'], channel: 'webhook', target: 'https://helpdesk.example.org/api/tickets', deprovisionSlaHours: 8 });
    expect(lab.entitlements).toEqual([{ key: 'results-read', name: 'Read results', privileged: false }, { key: 'results-sign', name: 'Sign results', privileged: true }]);

    // Editing: the key stays; a taken key on create is a 409 said in words.
    await ada.getByRole('link', { name: 'Edit system lab' }).click();
    const edit = ada.getByRole('form', { name: 'Edit system lab' });
    expect(await edit.getByRole('textbox', { name: 'Key', exact: true }).isEditable()).toBe(false);
    await edit.getByRole('textbox', { name: "Hours to remove a leaver's access" }).fill('4');
    expect(await seriousViolations(ada)).toEqual([]);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expectText(ada.getByRole('table', { name: 'Systems' }), '4 hours');
    await ada.goto('/catalog/new/systems');
    const again = ada.getByRole('form', { name: 'New system' });
    await again.getByRole('textbox', { name: 'Key', exact: true }).fill('lab');
    await again.getByRole('textbox', { name: 'Name', exact: true }).fill('Second lab');
    await again.getByRole('group', { name: 'Entitlement 1' }).getByRole('textbox', { name: 'Entitlement key' }).fill('x');
    await again.getByRole('group', { name: 'Entitlement 1' }).getByRole('textbox', { name: 'Entitlement name' }).fill('X');
    await again.getByRole('button', { name: 'Add system' }).click();
    await expectText(again.getByRole('alert'), 'Another system already uses this key');
    expect((await api.get('/api/v1/systems/lab', 'adm')).body.name).toBe('Laboratory');
  });

  it('an admin adds a role using the new system, changes it (version 2 in the history), and a stale edit is refused in words', async () => {
    const ada = await as('adm', '/catalog/roles');
    await ada.getByRole('link', { name: 'Add a role' }).click();
    const form = ada.getByRole('form', { name: 'New role' });
    await form.getByRole('textbox', { name: 'Key', exact: true }).fill('lab-tech');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Lab technician');
    await pick(ada, form, 'Owner', /Olga Owner \(own\)/, 'Olga');
    await pick(ada, form, 'Risk', 'Medium risk');
    await pick(ada, form, 'Access it gives', /Laboratory: Read results/, 'Read');
    await form.getByRole('button', { name: 'Add a step' }).click();
    await pick(ada, form.getByRole('group', { name: 'Approval step 2' }), 'Who approves', 'An owner of the system');
    await expectText(form, "In words: First the person's manager, then an owner of the system.");
    expect(await seriousViolations(ada)).toEqual([]);
    await screenshot(ada, 'catalog-role-form');
    await form.getByRole('button', { name: 'Add role' }).click();
    await ada.waitForURL(/\/catalog\/roles\/lab-tech$/);
    await ada.getByRole('article', { name: 'Version 1' }).waitFor();

    await ada.getByRole('link', { name: 'Change (makes version 2)' }).click();
    const edit = ada.getByRole('form', { name: 'Edit role lab-tech' });
    await expectText(edit, 'Saving makes version 2');
    await pick(ada, edit, 'Risk', 'High risk');
    await pick(ada, edit, 'Access it gives', /Laboratory: Sign results \(results-sign\) · privileged/, 'Sign');
    await edit.getByRole('button', { name: 'Save as version 2' }).click();
    await ada.waitForURL(/\/catalog\/roles\/lab-tech$/);
    await expectText(ada.getByRole('article', { name: 'Version 2' }), 'High risk');
    await expectText(ada.getByRole('article', { name: 'Version 1' }), 'Medium risk');
    expect(await seriousViolations(ada)).toEqual([]);
    await screenshot(ada, 'catalog-role-history');
    const v2 = (await api.get('/api/v1/roles/lab-tech', 'adm')).body;
    expect(v2).toMatchObject({ version: 2, risk: 'high', owner: 'own' });
    expect(v2.entitlements).toEqual([{ system: 'lab', entitlement: 'results-read' }, { system: 'lab', entitlement: 'results-sign' }]);
    expect(v2.approvalPolicy.steps.map((s: { kind: string }) => s.kind)).toEqual(['manager', 'system_owner']);

    // A second admin saves version 3 while this form is open on version 2: saving is refused, not lost.
    await ada.getByRole('link', { name: 'Change (makes version 3)' }).click();
    const stale = ada.getByRole('form', { name: 'Edit role lab-tech' });
    await expectText(stale, 'Saving makes version 3');
    const { key: _key, version: _v, latestVersion: _l, createdAt: _c, createdBy: _b, ...body } = v2;
    expect((await api.put('/api/v1/roles/lab-tech', 'adm', { ...body, name: 'Lab technician (night)' })).status).toBe(200);
    await stale.getByRole('textbox', { name: 'Name', exact: true }).fill('Lab tech');
    await stale.getByRole('button', { name: 'Save as version 3' }).click();
    await expectText(stale.getByRole('alert'), 'Someone saved a newer version of this role while you were editing');
    expect(await seriousViolations(ada)).toEqual([]);
    await screenshot(ada, 'catalog-role-stale-edit');
    expect((await api.get('/api/v1/roles/lab-tech', 'adm')).body).toMatchObject({ version: 3, name: 'Lab technician (night)' });
  });

  it('an admin adds a conflict rule and changes what it does', async () => {
    const ada = await as('adm', '/catalog/sod-rules');
    await ada.getByRole('link', { name: 'Add a conflict rule' }).click();
    const form = ada.getByRole('form', { name: 'New conflict rule' });
    await form.getByRole('textbox', { name: 'Key', exact: true }).fill('lab-vs-clinic');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Run tests and order them');
    await pick(ada, form.getByRole('group', { name: 'Side 1' }), 'Roles on this side', /Lab technician/);
    await form.getByRole('button', { name: 'Add rule' }).click();
    // Side 2 is empty: the API names that side.
    await expectText(form.getByRole('group', { name: 'Side 2' }), 'a side needs at least one role or entitlement');
    await pick(ada, form.getByRole('group', { name: 'Side 2' }), 'Access on this side', /EHR: clinician/, 'clin');
    expect(await seriousViolations(ada)).toEqual([]);
    await screenshot(ada, 'catalog-sod-form');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const table = ada.getByRole('table', { name: 'Separation-of-duties rules' });
    const row = table.getByRole('row').filter({ hasText: 'lab-vs-clinic' });
    await expectText(row, 'Refused');

    await row.getByRole('link', { name: 'Edit rule lab-vs-clinic' }).click();
    const edit = ada.getByRole('form', { name: 'Edit conflict rule lab-vs-clinic' });
    await edit.getByRole('radio', { name: 'Allow it only with two different approvers' }).check();
    expect(await seriousViolations(ada)).toEqual([]);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expectText(table.getByRole('row').filter({ hasText: 'lab-vs-clinic' }), 'Needs two different approvers');
    const rule = (await api.get('/api/v1/sod-rules/lab-vs-clinic', 'adm')).body;
    expect(rule).toMatchObject({ revision: 2, action: 'require_dual_approval' });
    expect(rule.sets).toEqual([{ roles: ['lab-tech'], entitlements: [] }, { roles: [], entitlements: [{ system: 'ehr', entitlement: 'clinician' }] }]);
  });

  it('people who are not admins read the catalog without any edit control; a role owner may change their own role', async () => {
    const audra = await as('aud', '/catalog/systems');
    await expectText(audra.getByRole('table', { name: 'Systems' }), 'EHR (ehr)');
    expect(await audra.getByRole('link', { name: 'Add a system' }).count()).toBe(0);
    expect(await audra.getByRole('link', { name: /^Edit / }).count()).toBe(0);
    await audra.getByRole('tab', { name: 'Roles' }).click();
    await expectText(audra.getByRole('table', { name: 'Roles' }), 'ehr-clinician');
    expect(await audra.getByRole('link', { name: 'Add a role' }).count()).toBe(0);
    await audra.goto('/catalog/roles/ehr-clinician');
    await audra.getByRole('article', { name: 'Version 1' }).waitFor();
    expect(await audra.getByRole('link', { name: /^Change/ }).count()).toBe(0);
    await audra.goto('/catalog/sod-rules');
    await expectText(audra.getByRole('table', { name: 'Separation-of-duties rules' }), 'treat-vs-audit');
    expect(await audra.getByRole('link', { name: /^Edit rule/ }).count()).toBe(0);
    expect(await audra.getByRole('link', { name: 'Add a conflict rule' }).count()).toBe(0);
    await audra.goto('/catalog/new/systems');
    await expectText(audra.getByRole('main'), 'Only administrators change systems and conflict rules');
    expect(await audra.getByRole('form').count()).toBe(0);
    expect(await seriousViolations(audra)).toEqual([]);

    const olga = await as('own', '/catalog/roles/ehr-clinician');
    await olga.getByRole('link', { name: 'Change (makes version 2)' }).waitFor();
  });
});
