import type { RequestStack } from './requests-fixture';
import { people, until } from './requests-fixture';
import { certApi, certificationStack, hold, inSeconds } from './certification-fixture';
import { temporalClient } from './support/services';
import { certificationStateQuery, type CertificationState } from '../workflows/certification-definitions';

const SUBJECTS = 24;
const key = (n: number) => `p${String(n).padStart(2, '0')}`;

/**
 * A campaign whose workflow must continue as new (WORKFLOW_HISTORY_LIMIT at its minimum, 50
 * events) through review and remediation, with a wave of policy revokes: the state survives
 * continue-as-new, the history holds no per-task activity, an assignment leaves the identity's
 * access as soon as its task is attested, and a cancelled task never revokes. Real worker,
 * Temporal, PostgreSQL, HTTP with dev-IdP tokens.
 */
describe('certification remediation at scale, continue-as-new', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof certApi>;
  let c: { id: string; workflowId: string };
  const tasks = async () =>
    (await stack.owner.query(`SELECT id, identity_key, status, delivered_at FROM task WHERE campaign_id = $1 ORDER BY identity_key`, [c.id])).rows;
  const liveState = async (): Promise<CertificationState> => {
    const t = await temporalClient();
    try {
      return await t.client.workflow.getHandle(c.workflowId).query(certificationStateQuery);
    } finally {
      await t.close();
    }
  };
  const roles = async (identity: string) => (await api.get(`/api/v1/identities/${identity}`, 'adm')).body.access.map((a: { role: string }) => a.role);

  beforeAll(async () => {
    stack = await certificationStack({ WORKFLOW_HISTORY_LIMIT: '50', LEAVER_RECONCILE_INTERVAL: '2s', CERTIFICATION_REMINDERS: '6s' });
    api = certApi(stack);
    await people(stack.db, [{ key: 'mgr2', manager: 'boss' }, ...Array.from({ length: SUBJECTS }, (_, i) => ({ key: key(i + 1), manager: 'mgr2' }))]);
    for (let i = 1; i <= SUBJECTS; i++) await hold(stack, key(i), 'ehr-user');
  });
  afterAll(() => stack?.stop());

  it('the review continues as new and keeps its state (deadlines, reminder sent once, decisions)', async () => {
    c = await api.start({ name: 'wave', scope: { type: 'manager', key: 'mgr2' }, reviewer: 'manager', fallbackReviewer: 'fb', deadlinePolicy: 'revoke', dueAt: inSeconds(30) });
    await api.waitCampaign(c.id, 'active');
    const first = await liveState();
    const last = (await api.items(c.id, 'mgr2', '?limit=100')).body.items.find((i: { identity: string }) => i.identity === key(SUBJECTS));
    expect((await api.decide(c.id, 'mgr2', [{ item: last.id, decision: 'certify' }])).status).toBe(200);
    const carried = await until('two continue-as-new in review', async () => {
      const s = await liveState();
      return s.phase === 'review' && s.continuedAsNew >= 2 ? s : null;
    }, 30_000);
    expect(carried).toMatchObject({ name: 'wave', dueAt: first.dueAt, deadline: first.deadline, reminders: first.reminders, counts: { total: SUBJECTS, certified: 1 } });
    expect(first.reminders).toHaveLength(1);
    const closed = await api.waitCampaign(c.id, 'remediating', 60_000);
    expect(closed.counts).toMatchObject({ total: SUBJECTS, certified: 1, revoked: SUBJECTS - 1 });
    const digests = await stack.owner.query(`SELECT subject_id FROM audit_event WHERE campaign_id = $1 AND action = 'certification.reminder_sent'`, [c.id]);
    expect(digests.rows).toEqual([{ subject_id: 'mgr2' }]);
  });

  it('a revoke wave keeps no task in the workflow: history without per-task activities, counts in the live state', async () => {
    const open = await until('every revoke ticket delivered', async () => {
      const rows = await tasks();
      return rows.length === SUBJECTS - 1 && rows.every((t: any) => t.delivered_at) ? rows : null;
    }, 60_000);
    expect(open.every((t: any) => t.status === 'open')).toBe(true);
    expect((await liveState()).remediation).toEqual({ tasks: SUBJECTS - 1, open: SUBJECTS - 1 });
    const t = await temporalClient();
    try {
      const types: string[] = [];
      const runSizes: number[] = [];
      const carried: number[] = [];
      for await (const run of t.client.workflow.list({ query: `WorkflowId = "${c.workflowId}"` })) {
        const history = await t.client.workflow.getHandle(c.workflowId, run.runId).fetchHistory();
        runSizes.push(history.events?.length ?? 0);
        for (const e of history.events ?? []) {
          const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
          if (name) types.push(name);
          for (const p of e.workflowExecutionContinuedAsNewEventAttributes?.input?.payloads ?? []) carried.push(p.data?.length ?? 0);
        }
      }
      expect(types).toContain('remediationStep');
      // The in-state loop scheduled a deliverTaskTicket per task and carried every task through continue-as-new.
      expect(types.filter((n) => ['deliverTaskTicket', 'remindTask', 'escalateTask', 'readTaskStatuses'].includes(n))).toEqual([]);
      expect(runSizes.length).toBeGreaterThan(2);
      expect(Math.max(...runSizes)).toBeLessThan(120);
      expect(Math.max(...carried)).toBeLessThan(4096);
    } finally {
      await t.close();
    }
  });

  it("an attested revoke leaves the identity's access at once; a cancelled task never revokes", async () => {
    const byIdentity = new Map((await tasks()).map((t: any) => [t.identity_key, t.id as string]));
    expect((await api.post(`/api/v1/tasks/${byIdentity.get(key(1))}/complete`, 'own', { note: 'removed' })).status).toBe(200);
    await until(`${key(1)}'s ehr-user to be revoked`, async () => ((await roles(key(1))).length === 0 ? true : null), 30_000);
    expect((await api.campaign(c.id)).status).toBe('remediating');
    expect(await roles(key(2))).toEqual(['ehr-user']);

    // A task closed without being carried out (cancelled) leaves the access in place.
    await stack.owner.query(`UPDATE task SET status = 'cancelled', updated_at = now() WHERE id = $1`, [byIdentity.get(key(2))]);
    for (let i = 3; i < SUBJECTS; i++) {
      expect((await api.post(`/api/v1/tasks/${byIdentity.get(key(i))}/complete`, 'own', { note: 'removed' })).status).toBe(200);
    }
    const done = await api.waitCampaign(c.id, 'completed', 60_000);
    expect(done.counts).toMatchObject({ revoked: SUBJECTS - 1, certified: 1 });
    expect(await roles(key(2))).toEqual(['ehr-user']);
    expect(await roles(key(3))).toEqual([]);
    expect(await roles(key(SUBJECTS))).toEqual(['ehr-user']);
    const outcomes = (await stack.owner.query(
      `SELECT identity_key, outcome FROM request WHERE kind = 'certification' AND changes->>'campaignId' = $1 AND identity_key IN ($2, $3)`, [c.id, key(2), key(3)])).rows;
    expect(outcomes).toEqual(expect.arrayContaining([{ identity_key: key(2), outcome: 'not_revoked' }, { identity_key: key(3), outcome: 'revoked' }]));
    const revokes = await stack.owner.query(`SELECT count(*)::int AS n FROM audit_event WHERE campaign_id = $1 AND action = 'access.revoked'`, [c.id]);
    expect(revokes.rows[0].n).toBe(SUBJECTS - 2);
    expect((await liveState()).remediation).toEqual({ tasks: SUBJECTS - 1, open: 0 });
  });
});
