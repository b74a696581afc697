import type { Config } from '../../../../libs/config/config';
import type { TaskTiming } from '../../../../libs/domain/task-deadlines';

/**
 * The one task path's timing for a workflow kind, from the validated config. Grant tasks (joiner,
 * mover) escalate every TASK_DUE after their due time; revoke tasks of a leaver every
 * LEAVER_ESCALATION_INTERVAL (their due time is the system's SLA). Everything else is shared.
 */
export function taskTiming(config: Config, kind: 'joiner' | 'mover' | 'leaver'): TaskTiming {
  return {
    reminderBeforeDue: config.durations.taskReminderBeforeDue,
    escalationInterval: kind === 'leaver' ? config.leaver.escalationInterval : config.durations.taskDue,
    reconcileInterval: config.leaver.reconcileInterval,
    deliveryTimeout: config.leaver.deliveryTimeout,
    maxEscalations: 3,
    historyLimit: config.workflowHistoryLimit,
  };
}
