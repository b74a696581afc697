import { condition, log } from '@temporalio/workflow';
import { durationToMs } from '../libs/domain/sla';
import type { RequestTiming, RequestWorkflowState, WorkflowTaskState } from './definitions';

export interface TaskDeadlineActivities {
  remindTask(input: { taskId: string }): Promise<void>;
  escalateTask(input: { taskId: string; level: number }): Promise<void>;
}

const closedCount = (tasks: WorkflowTaskState[]) => tasks.filter((t) => t.status !== 'open').length;

/**
 * Waits until every task is closed (attested or cancelled) or the request is cancelled. Before
 * a task's due time its owners get a reminder; at the due time, and every `taskDue` after it, the
 * task escalates one level (audited; the task reads as overdue).
 */
export async function awaitTaskAttestations(
  state: RequestWorkflowState,
  timing: RequestTiming,
  acts: TaskDeadlineActivities,
  cancelled: () => boolean,
): Promise<void> {
  const reminderBefore = durationToMs(timing.taskReminderBeforeDue);
  const period = Math.max(1000, durationToMs(timing.taskDue));
  for (;;) {
    const open = state.tasks.filter((t) => t.status === 'open');
    if (open.length === 0 || cancelled()) return;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const t of open) {
      const due = Date.parse(t.dueAt);
      const remindAt = due - reminderBefore;
      if (!t.reminded && reminderBefore > 0) {
        if (now >= remindAt && now < due) {
          await acts.remindTask({ taskId: t.taskId });
          t.reminded = true;
        } else if (now < remindAt) next = Math.min(next, remindAt);
      }
      if (t.escalationLevel < timing.maxEscalations) {
        const escalateAt = due + t.escalationLevel * period;
        if (now >= escalateAt) {
          const level = t.escalationLevel + 1;
          await acts.escalateTask({ taskId: t.taskId, level });
          t.escalationLevel = level;
          log.info('task escalated', { taskId: t.taskId, level });
          next = Math.min(next, due + level * period);
        } else next = Math.min(next, escalateAt);
      }
    }
    const seen = closedCount(state.tasks);
    const changed = () => cancelled() || closedCount(state.tasks) !== seen;
    const wait = next - Date.now();
    if (!Number.isFinite(wait)) await condition(changed);
    else if (wait > 0) await condition(changed, wait);
  }
}
