import { condition } from '@temporalio/workflow';
import { durationToMs } from '../libs/domain/sla';
import type { RequestTiming, RequestWorkflowState, WorkflowStepState } from './definitions';

export interface ApprovalActivities {
  openApprovalStep(input: { requestId: string; step: number; dueAt: string }): Promise<boolean>;
  remindApprovers(input: { requestId: string; step: number }): Promise<void>;
  escalateApprovalStep(input: { requestId: string; step: number; level: number; nextDueAt: string }): Promise<string[]>;
}

/**
 * Waits for one step to be decided: a reminder after `approvalReminder`, then at every
 * `approvalSla` an escalation to the approvers' managers (up to `maxEscalations`, then it only
 * waits). Time moves only through `condition` timeouts, so this replays deterministically.
 * `openedUntil`: the step was already opened by the plan's activity (ADR 123) with this deadline
 * (epoch ms), so no activity opens it here.
 */
export async function awaitStepDecision(
  state: RequestWorkflowState,
  step: WorkflowStepState,
  timing: RequestTiming,
  acts: ApprovalActivities,
  cancelled: () => boolean,
  openedUntil?: number,
): Promise<'approved' | 'rejected' | 'cancelled'> {
  const sla = durationToMs(timing.approvalSla);
  const reminder = durationToMs(timing.approvalReminder);
  const decided = () => cancelled() || step.status === 'approved' || step.status === 'rejected';
  let deadline = openedUntil ?? Date.now() + sla;

  if (openedUntil === undefined) {
    const opened = await acts.openApprovalStep({ requestId: state.requestId, step: step.step, dueAt: new Date(deadline).toISOString() });
    if (!opened) return 'cancelled';
  }
  if (step.status === 'waiting') step.status = 'pending';
  state.currentStep = step.step;

  if (reminder > 0 && reminder < sla && !(await condition(decided, reminder))) {
    await acts.remindApprovers({ requestId: state.requestId, step: step.step });
    step.remindersSent = 1;
  }
  while (!decided()) {
    const left = deadline - Date.now();
    if (left > 0 && (await condition(decided, left))) break;
    if (step.escalationLevel >= timing.maxEscalations) {
      await condition(decided);
      break;
    }
    const level = step.escalationLevel + 1;
    deadline = Date.now() + sla;
    step.eligibleApprovers = await acts.escalateApprovalStep({
      requestId: state.requestId,
      step: step.step,
      level,
      nextDueAt: new Date(deadline).toISOString(),
    });
    step.escalationLevel = level;
  }
  if (cancelled()) return 'cancelled';
  return step.status === 'approved' ? 'approved' : 'rejected';
}
