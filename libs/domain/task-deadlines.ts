/**
 * Due-time and escalation rules of downstream tasks, for every workflow that waits on a system
 * owner's attestation (joiner, mover, leaver, certification revokes). Pure: the caller passes
 * "now" (workflow time), so the workflow and its tests share one rule.
 *
 * A task is due at `dueAt`. Before it, the owners get one reminder (`reminderBeforeDueMs`
 * ahead; skipped when the task is created inside that window's end, i.e. already due). At the
 * due time the task escalates to level 1, and one level more every `escalationIntervalMs`, up to
 * `maxEscalations`; after the last level it only waits.
 */

import { durationToMs } from './sla';

/** Who each escalation level goes to, in order (level 1 is the first). */
export const ESCALATION_STEPS = ['reminder', 'owners_manager', 'admins'] as const;
export type EscalationStep = (typeof ESCALATION_STEPS)[number];

/**
 * Timing of the one task path as workflows receive it (durations in the config's format, e.g.
 * `2h`); `deadlineRules` in workflows/task-supervision.ts turns it into TaskDeadlineRules.
 */
export interface TaskTiming {
  /** The owners' reminder this long before the due time (`0s`: none). */
  reminderBeforeDue: string;
  /** Level 1 fires at the due time, each further level this much later. */
  escalationInterval: string;
  /** How often a waiting workflow re-reads its open tasks (a lost signal only delays). */
  reconcileInterval: string;
  /** startToClose of one ticket delivery attempt; the webhook's HTTP timeout is two thirds of it. */
  deliveryTimeout: string;
  /** Escalation levels before the workflow only waits (3: owners, their managers, admins). */
  maxEscalations: number;
  /** History events after which a waiting workflow continues as new (default 10,000). */
  historyLimit?: number;
}

export interface TaskDeadlineRules {
  reminderBeforeDueMs: number;
  escalationIntervalMs: number;
  maxEscalations: number;
}

/** The rules in milliseconds, from the timing a workflow or activity receives. */
export function taskDeadlineRules(t: TaskTiming): TaskDeadlineRules {
  return {
    reminderBeforeDueMs: durationToMs(t.reminderBeforeDue),
    escalationIntervalMs: durationToMs(t.escalationInterval),
    maxEscalations: t.maxEscalations,
  };
}

/** What the rules need of a task (plain JSON, as workflow state holds it). */
export interface TaskClock {
  dueAt: string;
  reminded: boolean;
  escalationLevel: number;
}

export type TaskDeadlineAction = { kind: 'remind' } | { kind: 'escalate'; level: number; step: EscalationStep };

/** The escalation step a level stands for (levels past the list reuse the last one). */
export function escalationStep(level: number): EscalationStep {
  if (!Number.isInteger(level) || level < 1) throw new RangeError(`escalation level must be >= 1, got ${level}`);
  return ESCALATION_STEPS[Math.min(level, ESCALATION_STEPS.length) - 1];
}

/** When level `level` (1-based) fires: at the due time, then one interval per level. Epoch ms. */
export function escalationAt(dueAt: string, level: number, rules: TaskDeadlineRules): number {
  return Date.parse(dueAt) + (level - 1) * Math.max(0, rules.escalationIntervalMs);
}

/** When the reminder fires, or null when there is none to send (sent, disabled, or past due). */
function reminderAt(t: TaskClock, rules: TaskDeadlineRules, now: number): number | null {
  if (t.reminded || rules.reminderBeforeDueMs <= 0 || now >= Date.parse(t.dueAt)) return null;
  return Date.parse(t.dueAt) - rules.reminderBeforeDueMs;
}

/**
 * What is due for this task at `now`, in order: the reminder, then every escalation level whose
 * time has come (a worker down for a while catches up level by level, never skipping one).
 */
export function dueTaskActions(t: TaskClock, rules: TaskDeadlineRules, now: number): TaskDeadlineAction[] {
  const out: TaskDeadlineAction[] = [];
  const remind = reminderAt(t, rules, now);
  if (remind !== null && now >= remind) out.push({ kind: 'remind' });
  for (let level = t.escalationLevel + 1; level <= rules.maxEscalations && escalationAt(t.dueAt, level, rules) <= now; level++) {
    out.push({ kind: 'escalate', level, step: escalationStep(level) });
  }
  return out;
}

/** The next time something fires for this task after `now` (epoch ms), or null when nothing will. */
export function nextTaskDeadline(t: TaskClock, rules: TaskDeadlineRules, now: number): number | null {
  const times: number[] = [];
  const remind = reminderAt(t, rules, now);
  if (remind !== null && remind > now) times.push(remind);
  if (t.escalationLevel < rules.maxEscalations) {
    const at = escalationAt(t.dueAt, t.escalationLevel + 1, rules);
    if (at > now) times.push(at);
  }
  return times.length ? Math.min(...times) : null;
}
