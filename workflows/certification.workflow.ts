import {
  allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, sleep, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { CertificationActivities } from '../activities/certification.activities';
import type { CertificationReviewActivities } from '../activities/certification-review.activities';
import type { CertificationRemediationActivities } from '../activities/certification-remediation.activities';
import type { RemediationWaveActivities } from '../activities/certification-remediation-wave.activities';
import { reminderTimes } from '../libs/domain/certification';
import { durationToMs } from '../libs/domain/sla';
import {
  campaignCancelledSignal, campaignChangedSignal, CERTIFICATION_WORKFLOW_PREFIX, certificationStateQuery,
  type CertificationState, type CertificationWorkflowInput,
} from './certification-definitions';
import { taskClosedSignal } from './definitions';
import { deliverTickets, superviseTasks, type SupervisedTask } from './task-supervision';

const acts = proxyActivities<CertificationActivities & CertificationReviewActivities & CertificationRemediationActivities & RemediationWaveActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Signals arriving together (a reviewer's bulk decisions) cost one re-read. */
const REFRESH_DEBOUNCE_MS = 1000;
const TOP_REVIEWERS = 50;
/**
 * Remediation with the tasks in PostgreSQL and counts in the workflow (ADR 130). Executions that
 * began remediating before it replay the in-state loop (`remediate`); remove that once none runs.
 */
const REMEDIATION_IN_DB = 'certification-remediation-in-db';

/**
 * A certification campaign, `certification-<campaignId>`: generates the snapshot in batches
 * (items go to PostgreSQL, the workflow keeps counts), then runs the review: reminder digests
 * before dueAt, re-routing of terminated reviewers, the deadline policy (escalate: manager, then
 * fallback, then not reviewed; revoke; keep), until every reviewer has signed off or the policy
 * has run; then remediation of the revokes and completion. Continues as new when the history
 * grows; the state carried over is small and plain.
 */
export async function certificationWorkflow(input: CertificationWorkflowInput): Promise<CertificationState> {
  const campaignId = input.campaignId ?? workflowInfo().workflowId.slice(CERTIFICATION_WORKFLOW_PREFIX.length);
  const t = input.timing;
  const state: CertificationState = input.carried ?? {
    campaignId, name: '', status: 'generating', phase: 'generating', dueAt: '', deadline: '', reminders: [], remindersSent: 0,
    counts: { total: 0, pending: 0, certified: 0, revoked: 0, notReviewed: 0 }, pendingByReviewer: [], remediation: { tasks: 0, open: 0 },
    continuedAsNew: 0, outcome: null,
  };
  let changes = 0;
  let cancelled = false;
  setHandler(certificationStateQuery, () => state);
  setHandler(campaignChangedSignal, () => { changes++; });
  setHandler(campaignCancelledSignal, () => { cancelled = true; changes++; });
  // A remediation task attested (or cancelled): the task path signals the task's workflow.
  let remediation: SupervisedTask[] = [];
  setHandler(taskClosedSignal, (s) => {
    const task = remediation.find((x) => x.taskId === s.taskId);
    if (task && task.status === 'open') task.status = s.status;
    changes++;
  });

  if (state.phase === 'generating') {
    const info = await acts.openCampaign({ campaignId, scheduled: input.carried ? null : input.scheduled });
    Object.assign(state, { name: info.name, dueAt: info.dueAt, deadline: info.dueAt, status: info.status });
    if (info.status === 'cancelled') return finish('cancelled');
    for (let after: string | null = null, first = true; first || after !== null; first = false) {
      if (cancelled) return finish('cancelled');
      const batch: { inserted: number; after: string | null } = await acts.generateCampaignBatch({ campaignId, after, batchSize: t.batchSize });
      state.counts.total += batch.inserted;
      after = batch.after;
    }
    state.counts = await acts.activateCampaign({ campaignId });
    state.status = 'active';
    state.phase = 'review';
    state.reminders = reminderTimes(new Date(Date.now()), state.dueAt, t.reminders.map(durationToMs));
    upsertSearchAttributes({ JmlStatus: ['active'] });
  }

  const reconcileMs = durationToMs(t.reconcileInterval);
  const windowMs = durationToMs(t.escalationWindow);
  while (state.phase === 'review' || state.phase === 'escalated_manager' || state.phase === 'escalated_fallback') {
    if (workflowInfo().historyLength > t.maxHistoryEvents) {
      await condition(allHandlersFinished);
      state.continuedAsNew++;
      await continueAsNew<typeof certificationWorkflow>({ ...input, carried: state });
    }
    const nextReminder = state.phase === 'review' ? state.reminders[state.remindersSent] : undefined;
    const wakeAt = Math.min(Date.parse(state.deadline), nextReminder ? Date.parse(nextReminder) : Infinity, Date.now() + reconcileMs);
    const seen = changes;
    const signalled = await condition(() => changes !== seen, Math.max(0, wakeAt - Date.now()));
    if (signalled && !cancelled) await sleep(REFRESH_DEBOUNCE_MS);
    if (!cancelled && !signalled) {
      if (nextReminder && Date.parse(nextReminder) <= Date.now()) {
        await acts.sendReminderDigests({ campaignId, index: state.remindersSent, dueAt: state.dueAt });
        state.remindersSent++;
      }
      await acts.rerouteTerminatedReviewers({ campaignId });
      if (Date.parse(state.deadline) <= Date.now()) await passDeadline();
    }
    const progress = await acts.campaignProgress({ campaignId, top: TOP_REVIEWERS });
    state.counts = progress.counts;
    state.pendingByReviewer = progress.pendingByReviewer;
    if (cancelled || progress.status === 'cancelled') return finish('cancelled');
    if (progress.allSignedOff) state.phase = 'closed';
  }

  if (state.phase !== 'remediating') {
    const closed = await acts.closeReview({ campaignId });
    state.counts = closed.counts;
    state.status = closed.status;
    upsertSearchAttributes({ JmlStatus: [state.status] });
    if (closed.status !== 'remediating') return finish(closed.status === 'completed' ? 'completed' : state.outcome ?? closed.status);
    state.phase = 'remediating';
  }
  if ((patched(REMEDIATION_IN_DB) ? await remediateInDb() : await remediate()) === 'continue') {
    await condition(allHandlersFinished);
    state.continuedAsNew++;
    return continueAsNew<typeof certificationWorkflow>({ ...input, carried: state });
  }
  return finish('completed');

  /** The current phase's deadline passed: the policy acts on every undecided item. */
  async function passDeadline(): Promise<void> {
    const stage = state.phase === 'review' ? 0 : state.phase === 'escalated_manager' ? 1 : 2;
    const r = await acts.applyDeadline({ campaignId, stage });
    if (r.next === 'closed') {
      state.phase = 'closed';
      return;
    }
    state.phase = r.next;
    state.deadline = new Date(Date.parse(state.deadline) + windowMs).toISOString();
  }

  /**
   * Every revoke on the one task path (ADR 050): a revoke task per system through its channel,
   * the shared reminder and escalation loop, the owner's named attestation; then the access
   * writer revokes what was attested. The tasks are re-read from the database after a
   * continue-as-new, so the carried state stays small.
   */
  async function remediate(): Promise<'done' | 'continue'> {
    const timing = t.tasks;
    const opened = await acts.openRemediation({ campaignId });
    remediation = opened.tasks.map((x) => ({ taskId: x.taskId, system: x.system, dueAt: x.dueAt, status: x.status, reminded: false, escalationLevel: x.escalationLevel }));
    const open = () => remediation.filter((x) => x.status === 'open').length;
    state.remediation = { tasks: remediation.length, open: open() };
    const deliveries = deliverTickets(remediation.filter((x) => x.status === 'open'), timing);
    const outcome = await superviseTasks(remediation, timing, () => { state.remediation.open = open(); return false; });
    await deliveries;
    if (outcome === 'continue') return 'continue';
    state.remediation.open = 0;
    await acts.settleRemediation({ campaignId });
    state.status = (await acts.completeCampaign({ campaignId })).status;
    return 'done';
  }

  /**
   * Every revoke on the one task path (ADR 050), with the tasks in PostgreSQL (ADR 130): each
   * `remediationStep` delivers due tickets, sends due reminders and escalations, and has the
   * access writer revoke what was attested; the workflow keeps counts and sleeps until the next
   * deadline, an attestation (signal, debounced), or the reconcile interval. History grows with
   * wake-ups, not with the number of revokes.
   */
  async function remediateInDb(): Promise<'done' | 'continue'> {
    const timing = t.tasks;
    const reconcile = Math.max(1000, durationToMs(timing.reconcileInterval));
    state.remediation = await acts.openRemediationCounts({ campaignId });
    for (;;) {
      const p = await acts.remediationStep({ campaignId, timing });
      state.remediation = { tasks: p.tasks, open: p.open };
      if (p.open === 0) break;
      const info = workflowInfo();
      if (info.historyLength > t.maxHistoryEvents || info.continueAsNewSuggested) return 'continue';
      const untilNext = p.nextAt === null ? Infinity : Date.parse(p.nextAt) - Date.now();
      const seen = changes;
      if (await condition(() => changes !== seen, Math.max(1, Math.min(untilNext, reconcile)))) await sleep(REFRESH_DEBOUNCE_MS);
    }
    // A task closed after the step's settling: settle once more before completing.
    await acts.settleRemediation({ campaignId });
    state.status = (await acts.completeCampaign({ campaignId })).status;
    return 'done';
  }

  function finish(outcome: string): CertificationState {
    state.outcome = outcome;
    if (outcome === 'cancelled') state.status = 'cancelled';
    state.phase = 'closed';
    upsertSearchAttributes({ JmlStatus: [state.status] });
    return state;
  }
}
