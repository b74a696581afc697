import { condition, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { TaskActivities } from '../activities/tasks.activities';
import type { TaskStatus } from '../libs/domain/request-types';
import { durationToMs } from '../libs/domain/sla';
import { dueTaskActions, nextTaskDeadline, taskDeadlineRules, type TaskDeadlineRules } from '../libs/domain/task-deadlines';
import type { TaskClosedSignal, TaskTiming } from './definitions';
import { takesPatch } from './flow-version';

/**
 * THE task path on the workflow side, shared by every workflow that waits for system owners:
 * deliver each task's ticket (`deliverTickets`), then wait for every named attestation while the
 * rules of libs/domain/task-deadlines.ts remind and escalate (`superviseTasks`).
 */

/** A task as workflow state holds it (plain JSON). Signal handlers set `status` when it closes. */
export interface SupervisedTask {
  taskId: string;
  system: string;
  dueAt: string;
  status: TaskStatus;
  reminded: boolean;
  escalationLevel: number;
}

/**
 * Attestations (or cancellations) that reached the workflow before the activity result listing
 * their tasks (ADR 178): each task still open takes the status its signal carries.
 */
export function applyEarlyCloses(tasks: SupervisedTask[], closes: TaskClosedSignal[]): void {
  for (const c of closes) {
    const task = tasks.find((t) => t.taskId === c.taskId);
    if (task && task.status === 'open') task.status = c.status;
  }
}

// Database activities retry until they succeed (a PostgreSQL restart is waited out); each is idempotent.
const acts = proxyActivities<Pick<TaskActivities, 'remindTask' | 'escalateTask' | 'readTaskStatuses'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export const deadlineRules: (t: TaskTiming) => TaskDeadlineRules = taskDeadlineRules;

/** The patch marker of one delivery activity per flow (ADR 121); executions without it deliver per task. */
export const BATCH_DELIVERY_PATCH = 'ticket-batch-delivery';

/**
 * Starts the delivery of every task's ticket through its system's channel. No attempt limit: a
 * helpdesk down for hours still gets its ticket while the escalations run; permanent failures are
 * non-retryable by type. Each attempt is audited by the activity. Resolves when all settled.
 * Since ADR 121 one activity delivers the flow's tickets (`deliverTaskTickets`, heartbeating what
 * settled so a new worker resumes where a killed one stopped); executions started before it
 * replay their one activity per task. `flow` is the workflow's input: a run with a flow version
 * takes the batch without a patch marker (ADR 179); the certification passes none.
 */
export function deliverTickets(tasks: SupervisedTask[], timing: TaskTiming, flow: { flowVersion?: number } = {}): Promise<unknown> {
  const deliveryMs = durationToMs(timing.deliveryTimeout);
  const retry = { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '2 minutes' };
  const webhookTimeoutMs = Math.floor((deliveryMs * 2) / 3);
  if (tasks.length === 0) return Promise.resolve([]);
  if (takesPatch(flow, BATCH_DELIVERY_PATCH)) {
    // The tickets go in parallel, so one attempt takes about one ticket's time; a worker killed
    // mid-batch is noticed after one delivery timeout without a heartbeat, as a per-task activity was.
    const batch = proxyActivities<Pick<TaskActivities, 'deliverTaskTickets'>>({
      startToCloseTimeout: deliveryMs * 2, heartbeatTimeout: deliveryMs, retry,
    });
    return Promise.allSettled([batch.deliverTaskTickets({ taskIds: tasks.map((t) => t.taskId), webhookTimeoutMs })]);
  }
  const delivery = proxyActivities<Pick<TaskActivities, 'deliverTaskTicket'>>({ startToCloseTimeout: deliveryMs, retry });
  return Promise.allSettled(tasks.map((t) => delivery.deliverTaskTicket({ taskId: t.taskId, webhookTimeoutMs })));
}

/** History length past which a waiting workflow continues as new (Temporal's hard limit is 51,200 events). */
export const DEFAULT_HISTORY_LIMIT = 10_000;

/**
 * Waits until no task is open or `stop()` says so ('done'), or until the history has grown past
 * `timing.historyLimit` ('continue': the caller continues as new with its state, after
 * `allHandlersFinished`). Whatever is due (reminder, escalation levels in order) fires first;
 * then it sleeps until the next deadline, a closed task, or the reconcile interval, whichever
 * comes first. The reconcile timer re-reads the tasks from the database, so a lost signal only
 * delays. After the last escalation level only the reconcile timer remains.
 */
export async function superviseTasks(tasks: SupervisedTask[], timing: TaskTiming, stop: () => boolean): Promise<'done' | 'continue'> {
  const rules = deadlineRules(timing);
  const reconcileMs = Math.max(1000, durationToMs(timing.reconcileInterval));
  const open = () => tasks.filter((t) => t.status === 'open');
  const historyLimit = timing.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  for (;;) {
    if (open().length === 0 || stop()) return 'done';
    const info = workflowInfo();
    if (info.historyLength > historyLimit || info.continueAsNewSuggested) return 'continue';
    for (const t of open()) {
      for (const a of dueTaskActions(t, rules, Date.now())) {
        if (a.kind === 'remind') await acts.remindTask({ taskId: t.taskId });
        else await acts.escalateTask({ taskId: t.taskId, level: a.level });
        if (a.kind === 'remind') t.reminded = true;
        else t.escalationLevel = a.level;
      }
    }
    // Tasks may have closed while those activities ran: wait only for what is still open.
    if (open().length === 0 || stop()) continue;
    const untilDeadline = Math.min(...open().map((t) => nextTaskDeadline(t, rules, Date.now()) ?? Infinity)) - Date.now();
    const seen = open().length;
    if (await condition(() => stop() || open().length !== seen, Math.max(1, Math.min(untilDeadline, reconcileMs)))) continue;
    // A deadline fired: handle it at once. Only the reconcile timer re-reads the tasks.
    if (untilDeadline <= reconcileMs) continue;
    for (const row of await acts.readTaskStatuses({ taskIds: open().map((t) => t.taskId) })) {
      const t = tasks.find((x) => x.taskId === row.taskId);
      if (t && t.status === 'open' && row.status !== 'open') t.status = row.status;
    }
  }
}
