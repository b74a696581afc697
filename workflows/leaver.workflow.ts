import { condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo, ApplicationFailure } from '@temporalio/workflow';
import type { LeaverActivities } from '../activities/leaver.activities';
import { requestCancelledSignal, taskClosedSignal } from './definitions';
import {
  bringForwardUpdate, cancelLeaverUpdate, leaverStateQuery,
  type LeaverState, type LeaverWorkflowInput,
} from './leaver-definitions';
import { deliverTickets, superviseTasks } from './task-supervision';

const acts = proxyActivities<LeaverActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/**
 * Leaver: effective-dated (sleeps until effectiveAt; HR may cancel or bring it forward), then
 * terminates the identity, opens one revoke task per system with access, delivers each ticket,
 * waits for every named attestation while escalating missed due times, and closes with the SLA
 * outcome per system. Workflow id `leaver-<identityKey>`: one running leaver per identity.
 */
export async function leaverWorkflow(input: LeaverWorkflowInput): Promise<LeaverState> {
  const urgent = input.reason === 'for_cause';
  const state: LeaverState = {
    requestId: input.requestId, identityKey: input.identityKey, reason: input.reason, urgent,
    status: 'scheduled', effectiveAt: urgent ? new Date(Date.now()).toISOString() : input.effectiveAt, tasks: [], outcome: null,
  };
  let busy = 0; // an update is writing; the effective-time wait must not race it
  let changed = 0;

  setHandler(leaverStateQuery, () => state);
  setHandler(taskClosedSignal, (s) => {
    const t = state.tasks.find((x) => x.taskId === s.taskId);
    if (t && t.status === 'open') { t.status = s.status; changed++; }
  });
  setHandler(requestCancelledSignal, () => {
    if (state.status === 'scheduled') { state.status = 'cancelled'; changed++; }
  });
  const whileScheduled = () => {
    if (state.status !== 'scheduled' || busy > 0) throw ApplicationFailure.nonRetryable(`leaver is ${state.status}, no longer scheduled`);
  };
  setHandler(cancelLeaverUpdate, async (args) => {
    busy++;
    try {
      await acts.cancelScheduledLeaver({ requestId: input.requestId, by: args.by, reason: args.reason });
      state.status = 'cancelled';
      changed++;
      return state;
    } finally { busy--; }
  }, { validator: (_args) => whileScheduled() });
  setHandler(bringForwardUpdate, async (args) => {
    busy++;
    try {
      const to = args.effectiveAt ?? new Date(Date.now()).toISOString();
      if (Date.parse(to) >= Date.parse(state.effectiveAt)) throw ApplicationFailure.nonRetryable('effectiveAt must be earlier than the current one');
      await acts.bringLeaverForward({ requestId: input.requestId, by: args.by, effectiveAt: to });
      state.effectiveAt = to;
      changed++;
      return state;
    } finally { busy--; }
  }, { validator: (_args) => whileScheduled() });

  await acts.recordLeaverRequest({
    requestId: input.requestId, identityKey: input.identityKey, workflowId: workflowInfo().workflowId, reason: input.reason,
    effectiveAt: state.effectiveAt, urgent, justification: input.justification, requester: input.requester,
  });

  // Effective-dated: sleep until effectiveAt, waking for a cancel or a bring-forward.
  for (;;) {
    await condition(() => busy === 0);
    if (state.status !== 'scheduled') break;
    const wait = Date.parse(state.effectiveAt) - Date.now();
    if (wait <= 0) break;
    const seen = changed;
    await condition(() => changed !== seen, wait);
  }
  if (state.status === 'cancelled') return finish('cancelled');

  state.status = 'provisioning';
  upsertSearchAttributes({ JmlStatus: ['provisioning'] });
  const plan = await acts.makeLeaverEffective({ requestId: input.requestId, urgent });
  state.tasks = plan.tasks.map((t) => ({ ...t, status: 'open', reminded: false, escalationLevel: 0 }));
  const deliveries = deliverTickets(state.tasks, input.timing);
  await superviseTasks(state.tasks, input.timing, () => false);
  await deliveries;
  const closed = await acts.closeLeaver({ requestId: input.requestId });
  return finish(closed.outcome);

  function finish(outcome: string): LeaverState {
    state.outcome = outcome;
    if (state.status !== 'cancelled') state.status = 'completed';
    upsertSearchAttributes({ JmlStatus: [state.status] });
    return state;
  }
}
