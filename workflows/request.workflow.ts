import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { RequestActivities } from '../activities/requests.activities';
import type { RequestTaskActivities } from '../activities/requests-tasks.activities';
import type { TaskActivities } from '../activities/tasks.activities';
import type { RequestStatus } from '../libs/domain/request-types';
import { durationToMs } from '../libs/domain/sla';
import { JmlStatus } from '../libs/temporal/search-attributes';
import {
  decisionSignal,
  requestCancelledSignal,
  requestStateQuery,
  taskClosedSignal,
  type RequestWorkflowInput,
  type DecisionSignal,
  type RequestWorkflowState,
  type TaskClosedSignal,
  type TaskTiming,
} from './definitions';
import { takesPatch } from './flow-version';
import { awaitStepDecision } from './request-approval';
import { applyEarlyCloses, deliverTickets, superviseTasks } from './task-supervision';

// Database activities retry until they succeed (PostgreSQL restarts are waited out); each is
// idempotent by its own keys.
const acts = proxyActivities<RequestActivities & RequestTaskActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/**
 * The plan and step 1's opening in one local activity (ADR 123): a new joiner or mover waits for
 * its first approvers after ONE workflow task. Executions started before it replay planRequest and
 * openApprovalStep as two activities.
 */
export const PLAN_OPENS_FIRST_STEP_PATCH = 'plan-opens-first-step';

/**
 * The patch marker of decisions applied when they reached the workflow before its plan (ADR 178).
 * Recorded only by a run that had such a decision, so every other history stays as it was.
 */
export const EARLY_DECISIONS_PATCH = 'decisions-before-plan';
const local = proxyLocalActivities<Pick<RequestActivities, 'planAndOpenFirstStep'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

// Executions started before the one task path deliver through the legacy activity name.
const legacyDelivery = proxyActivities<Pick<TaskActivities, 'deliverTicket'>>({
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 50 },
});

/** Task timing of an execution started before `taskTiming` was part of the input. */
const legacyTaskTiming = (t: RequestWorkflowInput['timing']): TaskTiming => ({
  reminderBeforeDue: t.taskReminderBeforeDue, escalationInterval: t.taskDue, reconcileInterval: '5m', deliveryTimeout: '60s', maxEscalations: t.maxEscalations,
});

/** The plan of a run started before ADR 181: a local activity (ADR 123), or two activities before that. */
async function planInWorkflow(input: RequestWorkflowInput, firstDeadline: number) {
  if (takesPatch(input, PLAN_OPENS_FIRST_STEP_PATCH)) {
    return local.planAndOpenFirstStep({ requestId: input.requestId, grantTaskDue: input.timing.taskDue, firstStepDueAt: new Date(firstDeadline).toISOString() });
  }
  return { ...(await acts.planRequest({ requestId: input.requestId, grantTaskDue: input.timing.taskDue })), firstStepOpen: false };
}

export async function joinerWorkflow(input: RequestWorkflowInput): Promise<RequestWorkflowState> {
  return runRequest(input);
}

export async function moverWorkflow(input: RequestWorkflowInput): Promise<RequestWorkflowState> {
  return runRequest(input);
}

/**
 * Joiner and mover: plan (diff, SoD, approval route) -> approvals step by step -> one task per
 * system and action, delivered through the system's channel -> every task attested -> access
 * recorded and the identity updated. The database is the authority on decisions, attestations
 * and cancellation (the API commits them with their audit events); the workflow is told through
 * signals, deduplicated by id, and drives the clock.
 */
async function runRequest(input: RequestWorkflowInput): Promise<RequestWorkflowState> {
  const state: RequestWorkflowState = input.resume ?? {
    requestId: input.requestId,
    kind: input.kind,
    identityKey: input.identityKey,
    status: 'pending_approval',
    phase: 'planning',
    currentStep: null,
    steps: [],
    decisionIds: [],
    tasks: [],
    outcome: null,
  };
  const early: TaskClosedSignal[] = [];
  let cancelledBy: string | null = null;
  const cancelled = () => cancelledBy !== null;

  setHandler(requestStateQuery, () => state);
  // A decision can reach the workflow before its plan (ADR 178): step 1 opens in the database
  // inside the plan's local activity, so an approver may decide while that workflow task is still
  // running; if the worker dies then, the retried task replays the start with the decision already
  // in history, and its handler runs before the plan is known. Kept here until the steps are.
  const earlyDecisions: DecisionSignal[] = [];
  let planned = input.resume !== undefined;
  const applyDecision = (d: DecisionSignal, recordOnly = false) => {
    if (state.decisionIds.includes(d.decisionId)) return;
    state.decisionIds.push(d.decisionId);
    if (recordOnly) return;
    const step = state.steps.find((s) => s.step === d.step);
    const open = step && (step.status === 'waiting' || step.status === 'pending');
    if (open && (d.stepStatus === 'approved' || d.stepStatus === 'rejected')) step.status = d.stepStatus;
  };
  setHandler(decisionSignal, (d) => {
    if (!planned) earlyDecisions.push(d);
    else applyDecision(d);
  });
  setHandler(taskClosedSignal, (t) => {
    const task = state.tasks.find((x) => x.taskId === t.taskId);
    if (!task) early.push(t);
    else if (task.status === 'open') task.status = t.status;
  });
  setHandler(requestCancelledSignal, (c) => {
    cancelledBy ??= c.by;
  });

  const setStatus = (status: RequestStatus, details: string) => {
    state.status = status;
    upsertSearchAttributes([{ key: JmlStatus, value: status }]);
    setCurrentDetails(`**${status}**: ${details}`);
  };
  const finish = (status: RequestStatus, outcome: string) => {
    state.phase = 'closed';
    state.currentStep = null;
    state.outcome = outcome;
    setStatus(status, outcome);
    return state;
  };

  try {
    if (!input.resume) {
      setCurrentDetails('**pending_approval**: planning the approval route and checking SoD');
      // Planned at intake since ADR 181; earlier runs plan here (their input has no plan).
      const firstDeadline = input.plan ? Date.parse(input.plan.firstStepDueAt) : Date.now() + durationToMs(input.timing.approvalSla);
      const plan = input.plan ?? (await planInWorkflow(input, firstDeadline));
      state.steps = plan.steps.map((s) => ({ ...s, status: 'waiting', escalationLevel: 0, remindersSent: 0 }));
      planned = true;
      // Before ADR 178 such a decision was dropped (its id kept); a replay of that history drops it again.
      const dropEarly = earlyDecisions.length > 0 && !takesPatch(input, EARLY_DECISIONS_PATCH);
      for (const d of earlyDecisions.splice(0)) applyDecision(d, dropEarly);
      if (plan.outcome === 'blocked') {
        await acts.rejectRequest({ requestId: input.requestId, reason: 'sod_block' });
        return finish('rejected', 'blocked by a segregation-of-duties rule');
      }
      if (plan.outcome === 'closed') return finish('cancelled', 'closed before planning');

      state.phase = 'approval';
      for (const step of state.steps) {
        setCurrentDetails(`**pending_approval**: step ${step.step} (${step.label}) waits for ${step.eligibleApprovers.join(', ')}`);
        const openedUntil = plan.firstStepOpen && step === state.steps[0] ? firstDeadline : undefined;
        const result = await awaitStepDecision(state, step, input.timing, acts, cancelled, openedUntil);
        if (result === 'cancelled') return finish('cancelled', `cancelled by ${cancelledBy ?? 'request closed'}`);
        if (result === 'rejected') {
          await acts.rejectRequest({ requestId: input.requestId, reason: 'rejected', step: step.step });
          return finish('rejected', `rejected at step ${step.step} (${step.label})`);
        }
      }

      state.phase = 'provisioning';
      state.currentStep = null;
      const created = await acts.createTasks({ requestId: input.requestId, tasks: plan.tasks });
      if (created === null) return finish('cancelled', `cancelled by ${cancelledBy ?? 'request closed'}`);
      state.tasks = created.map((t) => ({ ...t, status: 'open', reminded: false, escalationLevel: 0 }));
      applyEarlyCloses(state.tasks, early.splice(0));
      setStatus('provisioning', `${created.length} task(s) with the system owners`);
    }
    const taskTiming = input.taskTiming ?? legacyTaskTiming(input.timing);
    // A resumed run delivers again what is still open: delivery is idempotent per task.
    const deliveries = takesPatch(input, 'one-task-path')
      ? deliverTickets(state.tasks.filter((t) => t.status === 'open'), taskTiming, input)
      : Promise.allSettled(state.tasks.map((t) => legacyDelivery.deliverTicket(t.taskId)));
    if ((await superviseTasks(state.tasks, taskTiming, cancelled)) === 'continue') {
      await condition(allHandlersFinished);
      return continueAsNew<typeof joinerWorkflow>({ ...input, taskTiming, resume: state });
    }
    await deliveries;
    if (cancelled()) return finish('cancelled', `cancelled by ${cancelledBy}`);
    const completed = await acts.completeRequest({ requestId: input.requestId });
    return completed ? finish('completed', 'access recorded') : finish('cancelled', 'cancelled before completion');
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled from the Temporal UI or CLI by an operator: the request and its open tasks follow.
    await CancellationScope.nonCancellable(() => acts.cancelRequestFromWorkflow({ requestId: input.requestId }));
    finish('cancelled', 'cancelled by an operator in Temporal');
    throw err;
  }
}
