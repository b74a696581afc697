import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { LeaverActivities } from '../activities/leaver.activities';
import { JmlStatus } from '../libs/temporal/search-attributes';
import {
  leaverRescheduledSignal, leaverStateQuery, requestCancelledSignal, taskClosedSignal,
  type LeaverState, type TaskClosedSignal, type LeaverStatus, type LeaverWorkflowInput,
} from './definitions';
import { takesPatch } from './flow-version';
import { applyEarlyCloses, deliverTickets, superviseTasks } from './task-supervision';

const acts = proxyActivities<LeaverActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** The patch marker of begin + effective in one activity (ADR 121). */
export const FOLD_EFFECTIVE_PATCH = 'leaver-begin-effective';

/**
 * The patch marker of task attestations applied when they reached the workflow before its tasks
 * (ADR 178); recorded only by a run that had one, so every other history stays as it was.
 */
export const EARLY_TASK_CLOSES_PATCH = 'leaver-early-task-closes';

/**
 * Leaver: effective-dated (sleeps until effectiveAt; HR may cancel or bring it forward through
 * the API, which commits first and signals), then terminates the identity, opens one revoke task
 * per system with access (the one task path), waits for every named attestation while escalating
 * missed due times, and closes with the SLA outcome per system and the access revoked through the
 * access writer. Workflow id `leaver-<identityKey>`. A long wait continues as new.
 */
export async function leaverWorkflow(input: LeaverWorkflowInput): Promise<LeaverState> {
  const urgent = input.reason === 'for_cause';
  const state: LeaverState = input.resume ?? {
    requestId: input.requestId, identityKey: input.identityKey, reason: input.reason, urgent,
    status: 'scheduled', effectiveAt: input.effectiveAt, tasks: [], outcome: null,
  };
  let changed = 0;

  setHandler(leaverStateQuery, () => state);
  // An attestation can reach the workflow before the activity result that lists its task (ADR
  // 178): the owner sees the task as soon as it is committed, and in one activation the signal is
  // handled before that result. Kept here until the tasks are known; the reconcile timer would
  // otherwise find it only minutes later.
  const earlyCloses: TaskClosedSignal[] = [];
  setHandler(taskClosedSignal, (s) => {
    const t = state.tasks.find((x) => x.taskId === s.taskId);
    if (t && t.status === 'open') { t.status = s.status; changed++; }
    else if (!t && state.status === 'scheduled') earlyCloses.push(s);
  });
  setHandler(requestCancelledSignal, () => {
    if (state.status === 'scheduled') { state.status = 'cancelled'; changed++; }
  });
  setHandler(leaverRescheduledSignal, (s) => {
    if (state.status === 'scheduled' && Date.parse(s.effectiveAt) < Date.parse(state.effectiveAt)) { state.effectiveAt = s.effectiveAt; changed++; }
  });

  if (!input.resume) {
    // The database is the authority: a start re-driven after this leaver closed finds it closed.
    // Since ADR 121 an immediate leaver is made effective in the same activity (patch marker).
    const folded = takesPatch(input, FOLD_EFFECTIVE_PATCH);
    const begun = folded
      ? await acts.beginLeaverIfEffective({ requestId: input.requestId, urgent, effectiveAt: state.effectiveAt })
      : { ...(await acts.beginLeaver({ requestId: input.requestId })), plan: null };
    if (begun.status !== 'scheduled' && !begun.plan) return finish(begun.status === 'completed' ? 'completed' : 'cancelled', begun.outcome ?? begun.status);
    if (!urgent && Date.parse(begun.effectiveAt) < Date.parse(state.effectiveAt)) state.effectiveAt = begun.effectiveAt;

    // Effective-dated: sleep until effectiveAt, waking for a cancel or a bring-forward.
    while (state.status === 'scheduled' && !begun.plan) {
      const wait = Date.parse(state.effectiveAt) - Date.now();
      if (wait <= 0) break;
      const seen = changed;
      await condition(() => changed !== seen, wait);
    }
    if (state.status === 'cancelled' && !begun.plan) return finish('cancelled', 'cancelled');

    const plan = begun.plan ?? (await acts.makeLeaverEffective({ requestId: input.requestId, urgent }));
    if (plan.status === 'cancelled') return finish('cancelled', 'cancelled');
    setStatus('deprovisioning');
    state.tasks = plan.tasks.map((t) => ({ ...t, status: 'open', reminded: false, escalationLevel: 0 }));
    // Before ADR 178 such an attestation was dropped; a replay of that history drops it again.
    const early = earlyCloses.some((s) => state.tasks.some((t) => t.taskId === s.taskId));
    if (early && takesPatch(input, EARLY_TASK_CLOSES_PATCH)) applyEarlyCloses(state.tasks, earlyCloses);
  }

  // A resumed run delivers again what is still open: delivery is idempotent per task.
  const deliveries = deliverTickets(state.tasks.filter((t) => t.status === 'open'), input.timing, input);
  if ((await superviseTasks(state.tasks, input.timing, () => false)) === 'continue') {
    await condition(allHandlersFinished);
    return continueAsNew<typeof leaverWorkflow>({ ...input, resume: state });
  }
  await deliveries;
  const closed = await acts.closeLeaver({ requestId: input.requestId });
  return finish('completed', closed.outcome);

  function setStatus(status: LeaverStatus): void {
    state.status = status;
    upsertSearchAttributes([{ key: JmlStatus, value: status }]);
  }
  function finish(status: 'completed' | 'cancelled', outcome: string): LeaverState {
    state.outcome = outcome;
    setStatus(status);
    return state;
  }
}
