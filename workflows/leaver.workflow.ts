import { condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo, ApplicationFailure } from '@temporalio/workflow';
import type { LeaverActivities, LeaverTaskPlan } from '../activities/leaver.activities';
import type { TicketActivities } from '../activities/tickets.activities';
import { durationToMs } from '../libs/domain/sla';
import { requestCancelledSignal, taskClosedSignal } from './definitions';
import {
  bringForwardUpdate, cancelLeaverUpdate, leaverStateQuery,
  type LeaverState, type LeaverTaskState, type LeaverWorkflowInput,
} from './leaver-definitions';

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
  const escalationMs = durationToMs(input.timing.escalationInterval);
  const reconcileMs = durationToMs(input.timing.reconcileInterval);
  const deliveryMs = durationToMs(input.timing.deliveryTimeout);
  const tickets = proxyActivities<TicketActivities>({
    startToCloseTimeout: deliveryMs,
    // No attempt limit: a helpdesk down for hours still gets its ticket, the escalations run meanwhile.
    retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '2 minutes' },
  });
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
  state.tasks = plan.tasks.map(toTaskState);
  const webhookTimeoutMs = Math.floor((deliveryMs * 2) / 3);
  const deliveries = state.tasks.map((t) =>
    tickets.deliverTaskTicket({ taskId: t.taskId, webhookTimeoutMs }).then(() => { t.delivered = true; }),
  );

  await superviseTasks(state, escalationMs, reconcileMs, () => changed, input.requestId);
  await Promise.allSettled(deliveries);
  const closed = await acts.closeLeaver({ requestId: input.requestId });
  return finish(closed.outcome);

  function finish(outcome: string): LeaverState {
    state.outcome = outcome;
    if (state.status !== 'cancelled') state.status = 'completed';
    upsertSearchAttributes({ JmlStatus: [state.status] });
    return state;
  }
}

/** Waits until no task is open; each missed due time escalates once per level, in order. */
async function superviseTasks(state: LeaverState, escalationMs: number, reconcileMs: number, changes: () => number, requestId: string): Promise<void> {
  const open = () => state.tasks.filter((t) => t.status === 'open');
  const nextEscalationAt = (t: LeaverTaskState) => Date.parse(t.dueAt) + t.escalationLevel * escalationMs;
  while (open().length > 0) {
    const pending = open().filter((t) => t.escalationLevel < 3);
    const soonest = pending.length ? Math.min(...pending.map(nextEscalationAt)) : Infinity;
    const wait = Math.max(0, Math.min(soonest - Date.now(), reconcileMs));
    const seen = changes();
    const signalled = wait > 0 ? await condition(() => changes() !== seen, wait) : false;
    if (signalled) continue;
    // Timer fired: re-read statuses (a lost signal only delays), then escalate what is due.
    for (const row of await acts.readLeaverTasks({ requestId })) {
      const t = state.tasks.find((x) => x.taskId === row.taskId);
      if (t && t.status === 'open' && row.status !== 'open') t.status = row.status;
    }
    for (const t of open()) {
      while (t.escalationLevel < 3 && nextEscalationAt(t) <= Date.now()) {
        const level = (t.escalationLevel + 1) as 1 | 2 | 3;
        await acts.escalateLeaverTask({ requestId, taskId: t.taskId, level });
        t.escalationLevel = level;
        if (nextEscalationAt(t) > Date.now()) break;
      }
    }
  }
}

const toTaskState = (t: LeaverTaskPlan): LeaverTaskState => ({
  taskId: t.taskId, system: t.system, channel: t.channel, dueAt: t.dueAt, status: 'open', escalationLevel: 0, delivered: false,
});
