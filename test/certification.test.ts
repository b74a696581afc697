import type { RequestStack } from './requests-fixture';
import { until } from './requests-fixture';
import { certApi, certificationStack, hold, inHours } from './certification-fixture';
import { temporalClient } from './support/services';

/** Campaigns over HTTP with real dev-IdP tokens, a real worker, Temporal and PostgreSQL. */
describe('certification campaigns', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof certApi>;

  beforeAll(async () => {
    stack = await certificationStack();
    api = certApi(stack);
    await hold(stack, 'alice', 'ehr-user', '2024-01-01T00:00:00Z');
    await hold(stack, 'alice', 'lab-admin');
    await hold(stack, 'bob', 'ehr-user');
    await hold(stack, 'mgr', 'ehr-user');
    await hold(stack, 'own', 'ehr-user');
    await hold(stack, 'ronr', 'lab-admin');
    await hold(stack, 'orphan', 'ehr-user');
    await hold(stack, 'carl', 'ehr-user');
  });
  afterAll(() => stack?.stop());

  const base = { name: 'Q4 review', reviewer: 'manager', fallbackReviewer: 'fb', deadlinePolicy: 'keep' };
  const ledger = async (campaignId: string) =>
    (await stack.owner.query(`SELECT action, subject_id, actor_id, details FROM audit_event WHERE campaign_id = $1 ORDER BY seq`, [campaignId])).rows;
  const itemRows = async (campaignId: string) =>
    (await stack.owner.query(`SELECT * FROM certification_item WHERE campaign_id = $1 ORDER BY identity_key, role_key`, [campaignId])).rows;

  it('refuses bad input with every problem, and a fallback that cannot be resolved with the pre-flight report', async () => {
    const bad = await api.post('/api/v1/certifications', 'adm', { name: '', scope: { type: 'manager' }, reviewer: 'boss', dueAt: 'tomorrow', deadlinePolicy: 'maybe' });
    expect(bad.status).toBe(400);
    const paths = bad.body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'scope.key', 'reviewer', 'fallbackReviewer', 'dueAt', 'deadlinePolicy']));
    const unknownScope = await api.post('/api/v1/certifications', 'adm', { ...base, scope: { type: 'manager', key: 'nobody' }, dueAt: inHours(1) });
    expect(unknownScope.status).toBe(400);
    const refused = await api.post('/api/v1/certifications', 'adm', { ...base, scope: { type: 'manager', key: 'mgr' }, fallbackReviewer: 'exmgr', dueAt: inHours(1) });
    expect(refused.status).toBe(409);
    expect(refused.body.details).toMatchObject({ canStart: false, items: 3, fallback: { reviewer: 'exmgr', status: 'terminated' } });
    expect((await stack.owner.query('SELECT count(*)::int AS n FROM certification_campaign')).rows[0].n).toBe(0);
    const notAdmin = await api.post('/api/v1/certifications', 'mgr', { ...base, scope: { type: 'manager', key: 'mgr' }, dueAt: inHours(1) });
    expect(notAdmin.status).toBe(403);
  });

  it('pre-flight: counts per reviewer, missing, self-review and terminated reviewers, and what the policy does; starts nothing', async () => {
    const res = await api.post('/api/v1/certifications?dryRun=true', 'adm', { ...base, scope: { type: 'all' }, dueAt: inHours(1), deadlinePolicy: 'escalate' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ canStart: true, problems: [], noResolvableReviewer: { items: expect.any(Number) }, terminatedReviewers: [{ reviewer: 'exmgr', items: 1 }] });
    expect(res.body.perReviewer).toEqual(expect.arrayContaining([{ reviewer: 'mgr', items: 3 }, { reviewer: 'boss', items: 3 }]));
    expect(res.body.noResolvableReviewer.examples).toEqual(expect.arrayContaining([{ identity: 'orphan', role: 'ehr-user', system: 'ehr' }]));
    expect(res.body.deadlinePolicy.undecidedItems).toMatch(/manager/);
    const owners = await api.post('/api/v1/certifications?dryRun=true', 'adm', { ...base, scope: { type: 'system', key: 'ehr' }, reviewer: 'system_owner', dueAt: inHours(1) });
    expect(owners.body.selfReview).toEqual({ items: 1, examples: [{ identity: 'own', role: 'ehr-user', system: 'ehr' }] });
    expect((await stack.owner.query('SELECT count(*)::int AS n FROM certification_campaign')).rows[0].n).toBe(0);
  });

  it('manager campaign: items with context, 403 for others, all-or-nothing bulk decisions, change until sign-off, 409 after', async () => {
    const started = await api.start({ ...base, scope: { type: 'manager', key: 'mgr' }, dueAt: inHours(1) });
    expect(started.workflowId).toBe(`certification-${started.id}`);
    const active = await api.waitCampaign(started.id, 'active');
    expect(active.counts).toMatchObject({ total: 3, pending: 3 });
    expect(active.reviewers).toEqual([{ reviewer: 'mgr', total: 3, pending: 3, signedOffAt: null }]);

    const mine = (await api.items(started.id, 'mgr')).body.items;
    expect(mine).toHaveLength(3);
    const lab = mine.find((i: any) => i.role === 'lab-admin');
    const old = mine.find((i: any) => i.identity === 'alice' && i.role === 'ehr-user');
    const bobs = mine.find((i: any) => i.identity === 'bob');
    expect(lab.flags).toEqual(expect.arrayContaining(['privileged', 'never_approved']));
    expect(old.flags).toContain('granted_over_a_year_ago');
    expect((await api.items(started.id, 'mgr', '?flag=privileged')).body.items.map((i: any) => i.id)).toEqual([lab.id]);

    // Not a reviewer: 403 naming the items, and nothing changes.
    expect((await api.items(started.id, 'outsider')).status).toBe(403);
    const foreign = await api.decide(started.id, 'outsider', [{ item: lab.id, decision: 'certify' }]);
    expect(foreign.status).toBe(403);
    const partlyMine = await api.decide(started.id, 'fb', [{ item: lab.id, decision: 'certify' }]);
    expect(partlyMine.status).toBe(403);
    expect(partlyMine.body.details.items).toEqual([lab.id]);
    expect((await itemRows(started.id)).every((i: any) => i.status === 'pending')).toBe(true);

    // A revoke needs a comment; the whole call is refused.
    const noComment = await api.decide(started.id, 'mgr', [{ item: old.id, decision: 'certify' }, { item: lab.id, decision: 'revoke' }]);
    expect(noComment.status).toBe(400);
    expect((await itemRows(started.id)).every((i: any) => i.status === 'pending')).toBe(true);

    const ok = await api.decide(started.id, 'mgr', [
      { item: old.id, decision: 'certify' }, { item: bobs.id, decision: 'certify' }, { item: lab.id, decision: 'revoke', comment: '=1+1 no lab work' }]);
    expect(ok).toMatchObject({ status: 200, body: { accepted: 3 } });
    // Change of mind before sign-off: the ledger keeps both.
    expect((await api.decide(started.id, 'mgr', [{ item: bobs.id, decision: 'revoke', comment: 'moved team' }])).status).toBe(200);
    expect((await api.decide(started.id, 'mgr', [{ item: bobs.id, decision: 'certify' }])).status).toBe(200);
    const bobEvents = (await ledger(started.id)).filter((e: any) => e.action === 'certification.decided' && e.subject_id === bobs.id);
    expect(bobEvents.map((e: any) => e.details.decision)).toEqual(['certify', 'revoke', 'certify']);

    const signed = await api.post(`/api/v1/certifications/${started.id}/sign-off`, 'mgr');
    expect(signed.status).toBe(200);
    const late = await api.decide(started.id, 'mgr', [{ item: old.id, decision: 'revoke', comment: 'too late' }]);
    expect(late.status).toBe(409);

    const closed = await api.waitCampaign(started.id, 'remediating');
    expect(closed.counts).toMatchObject({ total: 3, pending: 0, certified: 2, revoked: 1 });
    const orphans = await stack.owner.query(`SELECT count(*)::int AS n FROM audit_event WHERE action LIKE 'certification.%' AND campaign_id IS NULL`);
    expect(orphans.rows[0].n).toBe(0);
    // Remediation on the task path: one revoke task (lab), attested by its owner, then completed.
    const tasks = await until('the revoke task', async () => {
      const rows = (await stack.owner.query(`SELECT id, system_key, action, status FROM task WHERE campaign_id = $1`, [started.id])).rows;
      return rows.length > 0 ? rows : null;
    });
    expect(tasks).toEqual([expect.objectContaining({ system_key: 'lab', action: 'revoke', status: 'open' })]);
    expect((await api.get(`/api/v1/identities/alice`, 'adm')).body.access.map((a: any) => a.role).sort()).toEqual(['ehr-user', 'lab-admin']);
    await until('the revoke ticket to be delivered', async () =>
      (await stack.owner.query('SELECT delivered_at FROM task WHERE id = $1', [tasks[0].id])).rows[0].delivered_at);
    const attested = await api.post(`/api/v1/tasks/${tasks[0].id}/complete`, 'own', { note: 'lab admin removed' });
    expect(attested.status).toBe(200);
    const completed = await api.waitCampaign(started.id, 'completed');
    expect(completed.counts).toMatchObject({ total: 3, certified: 2, revoked: 1 });
    expect((await api.get(`/api/v1/identities/alice`, 'adm')).body.access.map((a: any) => a.role)).toEqual(['ehr-user']);
    const remediationRows = (await ledger(started.id)).map((e: any) => e.action);
    expect(remediationRows).toEqual(expect.arrayContaining(['request.created', 'task.created', 'ticket.delivered', 'task.completed', 'access.revoked', 'certification.completed']));
    const report = await api.get(`/api/v1/certifications/${started.id}/report`, 'aud');
    expect(report.status).toBe(200);
    expect(report.body.summary).toMatchObject({ total: 3, certified: 2, revoked: 1 });
    expect(report.body.items.find((i: any) => i.id === lab.id)).toMatchObject({ status: 'revoked', decidedBy: 'mgr', comment: '=1+1 no lab work', originalReviewer: 'mgr',
      accessAfter: 'removed', remediation: { taskId: tasks[0].id, status: 'done', attestedById: 'own' } });
    expect(report.body.summary).toMatchObject({ revokesAttested: 1, accessAfter: { held: 2, removed: 1 } });
    const csv = await fetch(`${stack.api.url}/api/v1/certifications/${started.id}/report?format=csv`, { headers: await stack.auth.authHeader('aud') });
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^item_id,identity,/);
    expect(lines.find((l) => l.startsWith(lab.id))).toContain(",'=1+1 no lab work,");
    expect((await api.get(`/api/v1/certifications/${started.id}/report`, 'mgr')).status).toBe(403);
  });

  it('routes self-review, missing and terminated reviewers to the fallback; reassign is audited and never to the subject', async () => {
    const owners = await api.start({ ...base, scope: { type: 'system', key: 'ehr' }, reviewer: 'system_owner', dueAt: inHours(1) });
    await api.waitCampaign(owners.id, 'active');
    const items = await itemRows(owners.id);
    expect(items.find((i: any) => i.identity_key === 'own')).toMatchObject({ reviewer: 'fb', routing: 'fallback_self' });
    expect(items.filter((i: any) => i.identity_key !== 'own').every((i: any) => i.reviewer === 'own')).toBe(true);

    const roles = await api.start({ ...base, scope: { type: 'role', key: 'lab-admin' }, reviewer: 'role_owner', dueAt: inHours(1) });
    await api.waitCampaign(roles.id, 'active');
    // alice's lab-admin was revoked and attested in the manager campaign: only ronr holds it now.
    expect((await itemRows(roles.id)).map((i: any) => [i.identity_key, i.reviewer, i.routing])).toEqual([['ronr', 'fb', 'fallback_self']]);
    const ehr = await api.post('/api/v1/certifications?dryRun=true', 'adm', { ...base, scope: { type: 'role', key: 'ehr-user' }, reviewer: 'role_owner', dueAt: inHours(1) });
    expect(ehr.body.perReviewer).toEqual([{ reviewer: 'ronr', items: 6 }]);

    const all = await api.start({ ...base, scope: { type: 'all' }, dueAt: inHours(1) });
    await api.waitCampaign(all.id, 'active');
    const allItems = await itemRows(all.id);
    expect(allItems.find((i: any) => i.identity_key === 'orphan')).toMatchObject({ reviewer: 'fb', routing: 'fallback_missing' });
    expect(allItems.find((i: any) => i.identity_key === 'carl')).toMatchObject({ reviewer: 'fb', routing: 'fallback_terminated' });
    expect(allItems.every((i: any) => i.reviewer !== i.identity_key)).toBe(true);

    const bobItem = allItems.find((i: any) => i.identity_key === 'bob');
    const toSubject = await api.post(`/api/v1/certifications/${all.id}/reassign`, 'mgr', { items: [bobItem.id], to: 'bob', reason: 'he knows best' });
    expect(toSubject.status).toBe(400);
    const moved = await api.post(`/api/v1/certifications/${all.id}/reassign`, 'mgr', { items: [bobItem.id], to: 'boss', reason: 'on leave' });
    expect(moved.status).toBe(200);
    const after = (await itemRows(all.id)).find((i: any) => i.id === bobItem.id);
    expect(after).toMatchObject({ reviewer: 'boss', original_reviewer: 'mgr', routing: 'reassigned' });
    expect(after.flags).toContain('reviewer_changed');
    expect((await api.items(all.id, 'boss', '?flag=reviewer_changed')).body.items.map((i: any) => i.id)).toEqual([bobItem.id]);
    const events = (await ledger(all.id)).filter((e: any) => e.action === 'certification.reassigned');
    expect(events).toEqual([expect.objectContaining({ subject_id: bobItem.id, actor_id: 'mgr', details: expect.objectContaining({ from: 'mgr', to: 'boss', reason: 'on leave' }) })]);
    expect((await api.get('/api/v1/certifications', 'boss')).body.items.map((c: any) => c.id)).toContain(all.id);
    expect((await api.get('/api/v1/certifications', 'outsider')).body.items).toEqual([]);

    // A reviewer who leaves mid-campaign: their open items go to the fallback, audited.
    await stack.owner.query(`UPDATE identity SET status = 'terminated' WHERE key = 'own'`);
    await until('own\'s items to be re-routed', async () => {
      const rows = await itemRows(owners.id);
      return rows.every((i: any) => i.reviewer === 'fb') ? rows : null;
    });
    const rerouted = (await ledger(owners.id)).filter((e: any) => e.action === 'certification.rerouted');
    expect(rerouted.length).toBe(items.filter((i: any) => i.identity_key !== 'own').length);
    expect(rerouted[0].details).toMatchObject({ from: 'own', to: 'fb', reason: 'reviewer_terminated' });
    await stack.owner.query(`UPDATE identity SET status = 'active' WHERE key = 'own'`);

    const cancelled = await api.post(`/api/v1/certifications/${all.id}/cancel`, 'adm', { reason: 'test over' });
    expect(cancelled.status).toBe(200);
    const t = await temporalClient();
    try {
      await until('the workflow to end', async () => ((await t.client.workflow.getHandle(all.workflowId).describe()).status.name === 'COMPLETED' ? true : null));
    } finally {
      await t.close();
    }
    expect((await api.post(`/api/v1/certifications/${all.id}/cancel`, 'adm', {})).status).toBe(409);
  });
});
