import type { RequestStack } from './requests-fixture';
import { seedSodRule, until } from './requests-fixture';
import { certApi, certificationStack, hold, inHours, inSeconds } from './certification-fixture';
import { TestSmtpServer } from './support/smtp';

/** RFC 2047 Q-encoded words (how nodemailer folds a subject with quotes) back to text. */
const decodeWords = (header: string) =>
  header.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, q: string) =>
    Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m: string, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));

/**
 * Issue 13 items 4-6 over HTTP, a real worker, Temporal, PostgreSQL and a real SMTP receiver:
 * the `sod` context flag and its filter, sign-off refused while items are pending, and reminder
 * digests (one mail per reviewer with pending items per reminder, never one per item).
 */
describe('certification reviews: SoD context, sign-off, reminder digests', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof certApi>;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    stack = await certificationStack({ SMTP_URL: smtp.url, CERTIFICATION_REMINDERS: '12s,6s' });
    api = certApi(stack);
    // alice holds both sides of a detective SoD rule; bob holds one side only.
    await seedSodRule(stack.owner, 'ehr-vs-lab', 'require_dual_approval', ['ehr-user', 'lab-admin']);
    await hold(stack, 'alice', 'ehr-user');
    await hold(stack, 'alice', 'lab-admin');
    await hold(stack, 'bob', 'ehr-user');
    await hold(stack, 'own', 'ehr-user');
  });
  afterAll(async () => {
    await stack?.stop();
    await smtp?.stop();
  });

  const base = { reviewer: 'manager', fallbackReviewer: 'fb', deadlinePolicy: 'keep' };

  it('flags the items of an SoD finding (and only those), filters on it, and refuses sign-off naming every pending item', async () => {
    const c = await api.start({ ...base, name: 'sod context', scope: { type: 'manager', key: 'mgr' }, dueAt: inHours(1) });
    await api.waitCampaign(c.id, 'active');
    const mine = (await api.items(c.id, 'mgr')).body.items as { id: string; identity: string; role: string; flags: string[] }[];
    expect(mine).toHaveLength(3);
    const alices = mine.filter((i) => i.identity === 'alice').map((i) => i.id).sort();
    expect(mine.filter((i) => i.flags.includes('sod')).map((i) => i.id).sort()).toEqual(alices);
    expect(mine.find((i) => i.identity === 'bob')!.flags).not.toContain('sod');
    const filtered = await api.items(c.id, 'mgr', '?flag=sod');
    expect(filtered.status).toBe(200);
    expect(filtered.body.items.map((i: { id: string }) => i.id).sort()).toEqual(alices);

    const bobs = mine.find((i) => i.identity === 'bob')!;
    expect((await api.decide(c.id, 'mgr', [{ item: bobs.id, decision: 'certify' }])).status).toBe(200);
    const early = await api.post(`/api/v1/certifications/${c.id}/sign-off`, 'mgr');
    expect(early.status).toBe(409);
    expect([...early.body.details.items].sort()).toEqual(alices);
    // Nothing was signed off: the reviewer can still change the decided item.
    const signed = await stack.owner.query(`SELECT count(*)::int AS n FROM certification_item WHERE campaign_id = $1 AND signed_off_at IS NOT NULL`, [c.id]);
    expect(signed.rows[0].n).toBe(0);
    expect((await api.decide(c.id, 'mgr', [{ item: bobs.id, decision: 'revoke', comment: 'changed my mind' }])).status).toBe(200);
    const events = await stack.owner.query(`SELECT count(*)::int AS n FROM audit_event WHERE campaign_id = $1 AND action = 'certification.signed_off'`, [c.id]);
    expect(events.rows[0].n).toBe(0);
    await api.post(`/api/v1/certifications/${c.id}/cancel`, 'adm', { reason: 'test over' });
  });

  it('sends one reminder digest per reviewer with pending items per reminder, none to a reviewer who is done', async () => {
    smtp.messages.length = 0;
    // Reviewers: own (alice's and bob's ehr items) and fb (own's item: self-review goes to the fallback).
    const c = await api.start({ ...base, name: 'digest', scope: { type: 'system', key: 'ehr' }, reviewer: 'system_owner', dueAt: inSeconds(24) });
    await api.waitCampaign(c.id, 'active');
    const fbItems = (await api.items(c.id, 'fb')).body.items as { id: string }[];
    expect(fbItems).toHaveLength(1);
    expect((await api.decide(c.id, 'fb', [{ item: fbItems[0].id, decision: 'certify' }])).status).toBe(200);
    await api.waitCampaign(c.id, 'completed', 45_000);

    const digests = (await stack.owner.query(
      `SELECT subject_id, details FROM audit_event WHERE campaign_id = $1 AND action = 'certification.reminder_sent' ORDER BY seq`, [c.id])).rows;
    expect(digests.map((d: any) => [d.subject_id, d.details.reminder, d.details.pending])).toEqual([['own', 1, 2], ['own', 2, 2]]);
    const mails = await until('two digests in the inbox', async () => (smtp.messages.length >= 2 ? smtp.messages : null));
    expect(mails).toHaveLength(2);
    expect(smtp.distinctMessageIds).toBe(2);
    expect(mails.every((m) => m.to.join(',') === 'own@example.test')).toBe(true);
    expect(mails.map((m) => decodeWords(m.subject))).toEqual([expect.stringContaining('2 items waiting for you'), expect.stringContaining('2 items waiting for you')]);
    expect(mails[0].text).toContain(`/api/v1/certifications/${c.id}/items`);
  });
});
