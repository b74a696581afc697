import type { RequestStack } from './requests-fixture';
import { until } from './requests-fixture';
import { certApi, certificationStack, hold, inHours, inSeconds } from './certification-fixture';
import { temporalClient } from './support/services';
import { certificationStateQuery } from '../workflows/certification-definitions';

/** Deadline policies, reminder digests, the live-state query and schedules, with second-long timings. */
describe('certification deadlines and schedules', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof certApi>;

  beforeAll(async () => {
    stack = await certificationStack({ CERTIFICATION_REMINDERS: '4s', CERTIFICATION_ESCALATION_WINDOW: '2s' });
    api = certApi(stack);
    await hold(stack, 'alice', 'ehr-user');
    await hold(stack, 'bob', 'ehr-user');
  });
  afterAll(() => stack?.stop());

  const base = { name: 'short', scope: { type: 'manager', key: 'mgr' }, reviewer: 'manager', fallbackReviewer: 'fb' };
  const ledger = async (campaignId: string, action: string) =>
    (await stack.owner.query(`SELECT subject_id, actor_id, details FROM audit_event WHERE campaign_id = $1 AND action = $2 ORDER BY seq`, [campaignId, action])).rows;
  const items = async (campaignId: string) =>
    (await stack.owner.query(`SELECT * FROM certification_item WHERE campaign_id = $1 ORDER BY identity_key`, [campaignId])).rows;

  it('keep: one reminder digest per reviewer, then undecided items are recorded as not reviewed and the campaign completes', async () => {
    // The reminder (4 s before due) must fall after activation even on a loaded machine.
    const c = await api.start({ ...base, dueAt: inSeconds(14), deadlinePolicy: 'keep' });
    await api.waitCampaign(c.id, 'active');
    const t = await temporalClient();
    try {
      const live = await t.client.workflow.getHandle(c.workflowId).query(certificationStateQuery);
      expect(live).toMatchObject({ campaignId: c.id, status: 'active', counts: { total: 2 } });
    } finally {
      await t.close();
    }
    const done = await api.waitCampaign(c.id, 'completed', 30_000);
    expect(done.counts).toMatchObject({ total: 2, pending: 0, notReviewed: 2 });
    expect((await items(c.id)).every((i: any) => i.status === 'not_reviewed' && i.decided_by === 'system:worker')).toBe(true);
    const digests = await ledger(c.id, 'certification.reminder_sent');
    expect(digests).toEqual([expect.objectContaining({ subject_id: 'mgr', details: expect.objectContaining({ pending: 2, reminder: 1 }) })]);
  });

  it('revoke: undecided items are revoked like reviewer revokes, and the campaign goes to remediation', async () => {
    const c = await api.start({ ...base, dueAt: inSeconds(3), deadlinePolicy: 'revoke' });
    const after = await api.waitCampaign(c.id, 'remediating', 30_000);
    expect(after.counts).toMatchObject({ total: 2, revoked: 2 });
    expect((await ledger(c.id, 'certification.decided')).map((e: any) => e.details.byPolicy)).toEqual(['revoke', 'revoke']);
  });

  it("escalate: the reviewer's manager, then the fallback, then not reviewed; each audited", async () => {
    const c = await api.start({ ...base, dueAt: inSeconds(3), deadlinePolicy: 'escalate' });
    await until('escalation to boss', async () => {
      const rows = await items(c.id);
      return rows.length === 2 && rows.every((i: any) => i.reviewer === 'boss') ? true : null;
    }, 20_000);
    // boss decides one; the other goes on to the fallback.
    const mine = (await api.items(c.id, 'boss')).body.items;
    expect(mine.every((i: any) => i.flags.includes('reviewer_changed') && i.routing === 'escalated_manager')).toBe(true);
    expect((await api.decide(c.id, 'boss', [{ item: mine[0].id, decision: 'certify' }])).status).toBe(200);
    const done = await api.waitCampaign(c.id, 'completed', 30_000);
    expect(done.counts).toMatchObject({ certified: 1, notReviewed: 1 });
    const escalations = await ledger(c.id, 'certification.escalated');
    expect(escalations.map((e: any) => [e.details.from, e.details.to, e.details.level])).toEqual(
      expect.arrayContaining([['mgr', 'boss', 1], ['mgr', 'boss', 1], ['boss', 'fb', 2]]));
    expect(escalations).toHaveLength(3);
  });

  it('a schedule starts normal campaigns, skips a run while the previous campaign is open, and starts the next once it is over', async () => {
    const created = await api.post('/api/v1/certification-schedules', 'adm', { name: 'every few seconds', every: '3s', reviewDays: 1,
      campaign: { ...base, deadlinePolicy: 'keep' } });
    expect(created.status).toBe(201);
    const runs = await until('a scheduled campaign', async () => {
      const r = await stack.owner.query(`SELECT id, workflow_id, status, due_at FROM certification_campaign WHERE schedule_id = $1`, [created.body.id]);
      return r.rows.length > 0 ? r.rows : null;
    }, 20_000);
    expect(runs[0].workflow_id).toBe(`certification-${runs[0].id}`);
    await api.waitCampaign(runs[0].id, 'active');
    await new Promise((r) => setTimeout(r, 7000));
    const later = await stack.owner.query(`SELECT id FROM certification_campaign WHERE schedule_id = $1`, [created.body.id]);
    expect(later.rows).toHaveLength(1);
    const listed = await api.get('/api/v1/certification-schedules', 'adm');
    expect(listed.body.items[0]).toMatchObject({ id: created.body.id, skippedOverlaps: expect.any(Number) });
    expect(listed.body.items[0].skippedOverlaps).toBeGreaterThan(0);
    expect((await api.post('/api/v1/certification-schedules', 'adm', { name: 'x', every: '3s', cron: '* * * * *', reviewDays: 1, campaign: { ...base, deadlinePolicy: 'keep' } })).status).toBe(400);
    // A cron of five fields the scheduler refuses (day and month 0 do not exist): 400 naming cron, nothing stored (was a 500, schemathesis).
    const badCron = await api.post('/api/v1/certification-schedules', 'adm', { name: 'x', cron: '0 0 0 0 0', reviewDays: 1, campaign: { ...base, deadlinePolicy: 'keep' } });
    expect(badCron.status).toBe(400);
    expect(badCron.body.details).toEqual([{ path: 'cron', problems: [expect.stringContaining('cron is not accepted by the scheduler')] }]);
    expect((await stack.owner.query(`SELECT count(*)::int AS n FROM certification_schedule`)).rows[0].n).toBe(1);
    // Once the open run is over (cancelled here), the next fire starts a new, separate campaign.
    expect((await api.post(`/api/v1/certifications/${encodeURIComponent(runs[0].id)}/cancel`, 'adm', { reason: 'next run' })).status).toBe(200);
    const second = await until('a second scheduled campaign', async () => {
      const r = await stack.owner.query(`SELECT id, workflow_id FROM certification_campaign WHERE schedule_id = $1 AND id <> $2`, [created.body.id, runs[0].id]);
      return r.rows.length > 0 ? r.rows[0] : null;
    }, 20_000);
    expect(second.workflow_id).toBe(`certification-${second.id}`);
    await api.waitCampaign(second.id, 'active');
    const del = await fetch(`${stack.api.url}/api/v1/certification-schedules/${created.body.id}`, { method: 'DELETE', headers: await stack.auth.authHeader('adm') });
    expect(del.status).toBe(204);
    expect((await api.get('/api/v1/certification-schedules', 'adm')).body.items).toEqual([]);
    await api.post(`/api/v1/certifications/${encodeURIComponent(second.id)}/cancel`, 'adm', {});
    expect(inHours(1)).toBeTruthy();
  });
});
