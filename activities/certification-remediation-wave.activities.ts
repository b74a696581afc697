import { ApplicationFailure } from '@temporalio/common';
import { findCampaign } from '../libs/certification/campaign-store';
import { SETTLE_BATCH, settleAttested } from '../libs/certification/remediation-settle';
import { durationToMs } from '../libs/domain/sla';
import { dueTaskActions, taskDeadlineRules, type TaskTiming } from '../libs/domain/task-deadlines';
import type { ActivityDeps } from './deps';
import { createTaskActivities, createTicketDelivery } from './tasks.activities';

/** Remediation progress as the workflow keeps it: counts and the next wake-up, never the tasks. */
export interface RemediationProgress {
  tasks: number;
  open: number;
  undelivered: number;
  /** When something is next due (a reminder, an escalation level, a delivery retry); null: nothing timed. */
  nextAt: string | null;
}

/** Tasks handled per step and kind; a step that hits a limit asks to be called again at once. */
const DEADLINE_BATCH = 500;
const DELIVERY_BATCH = 200;
const DELIVERY_CONCURRENCY = 4;
/** Start no new delivery after this long, so a step stays well inside its 2-minute timeout. */
const DELIVERY_BUDGET_MS = 60_000;
/** Delivery retry backoff per task, as the per-task activity's retry policy had it: 0.5 s doubling, at most 2 minutes. */
const BACKOFF_SQL = `least(120000, 500 * power(2, least(t.delivery_attempts, 20))) * interval '1 millisecond'`;
// A task whose last delivery attempt failed for good (non-retryable) is not retried: the owners still see it in their queue.
const NOT_GIVEN_UP_SQL = `NOT EXISTS (SELECT 1 FROM audit_event a WHERE a.idempotency_key = 'ticket:' || t.id || ':attempt:' || t.delivery_attempts
                                         AND a.details->>'retryable' = 'false')`;

const ms = (n: number) => `(${n} * interval '1 millisecond')`;

/**
 * Remediation of a campaign with its tasks in PostgreSQL (ADR 130): the workflow holds counts
 * only, so its history does not grow with the number of revokes. Each step, in one activity:
 * the reminders and escalation levels that are due (the rules of libs/domain/task-deadlines.ts,
 * through the task path's own `remindTask`/`escalateTask`), ticket deliveries due (first attempt
 * or retry after backoff, through the same delivery code as `deliverTaskTicket`), then settling
 * what was attested (the access writer revokes an assignment as soon as its tasks are attested).
 */
export function createRemediationWaveActivities(deps: ActivityDeps) {
  const fork = () => deps.orm.em.fork();
  const taskPath = createTaskActivities(deps);
  const deliver = createTicketDelivery(deps);

  async function deadlines(campaignId: string, timing: TaskTiming, now: number): Promise<number> {
    const rules = taskDeadlineRules(timing);
    const rows = await fork().execute<{ id: string; due_at: Date; escalation_level: number; reminded: boolean }[]>(
      `SELECT t.id, t.due_at, t.escalation_level,
              EXISTS (SELECT 1 FROM audit_event a WHERE a.idempotency_key = 'task:' || t.id || ':reminder') AS reminded
         FROM task t WHERE t.campaign_id = ? AND t.status = 'open'
          AND ((t.escalation_level < ? AND t.due_at + t.escalation_level * ${ms(rules.escalationIntervalMs)} <= ?)
            OR (? > 0 AND t.due_at > ? AND t.due_at - ${ms(rules.reminderBeforeDueMs)} <= ?
                AND NOT EXISTS (SELECT 1 FROM audit_event a WHERE a.idempotency_key = 'task:' || t.id || ':reminder')))
        ORDER BY t.due_at LIMIT ?`,
      [campaignId, rules.maxEscalations, new Date(now), rules.reminderBeforeDueMs, new Date(now), new Date(now), DEADLINE_BATCH]);
    for (const t of rows) {
      const clock = { dueAt: new Date(t.due_at).toISOString(), reminded: t.reminded, escalationLevel: t.escalation_level };
      for (const a of dueTaskActions(clock, rules, now)) {
        if (a.kind === 'remind') await taskPath.remindTask({ taskId: t.id });
        else await taskPath.escalateTask({ taskId: t.id, level: a.level });
      }
    }
    return rows.length;
  }

  async function deliveries(campaignId: string, timing: TaskTiming): Promise<number> {
    const rows = await fork().execute<{ id: string; delivery_attempts: number }[]>(
      `SELECT t.id, t.delivery_attempts FROM task t WHERE t.campaign_id = ? AND t.status = 'open' AND t.delivered_at IS NULL
          AND (t.delivery_attempts = 0 OR t.updated_at + ${BACKOFF_SQL} <= now()) AND ${NOT_GIVEN_UP_SQL}
        ORDER BY t.created_at, t.id LIMIT ?`, [campaignId, DELIVERY_BATCH]);
    const webhookTimeoutMs = Math.floor((durationToMs(timing.deliveryTimeout) * 2) / 3);
    const started = Date.now();
    const queue = [...rows];
    const worker = async () => {
      for (let t = queue.shift(); t && Date.now() - started < DELIVERY_BUDGET_MS; t = queue.shift()) {
        // A failed attempt is audited by the delivery itself (ticket.delivery_failed) and retried at a later step.
        await deliver({ taskId: t.id, webhookTimeoutMs }, t.delivery_attempts + 1).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: DELIVERY_CONCURRENCY }, worker));
    return rows.length;
  }

  async function progress(campaignId: string, timing: TaskTiming): Promise<RemediationProgress & { nextMs: number | null }> {
    const rules = taskDeadlineRules(timing);
    const [p] = await fork().execute<{ tasks: number; open: number; undelivered: number; next_escalation: Date | null; next_reminder: Date | null; next_delivery: Date | null }[]>(
      `SELECT count(*)::int AS tasks, count(*) FILTER (WHERE t.status = 'open')::int AS open,
              count(*) FILTER (WHERE t.status = 'open' AND t.delivered_at IS NULL)::int AS undelivered,
              min(t.due_at + t.escalation_level * ${ms(rules.escalationIntervalMs)}) FILTER (WHERE t.status = 'open' AND t.escalation_level < ?) AS next_escalation,
              min(t.due_at - ${ms(rules.reminderBeforeDueMs)}) FILTER (WHERE t.status = 'open' AND ? > 0 AND t.due_at - ${ms(rules.reminderBeforeDueMs)} > now()) AS next_reminder,
              min(t.updated_at + ${BACKOFF_SQL}) FILTER (WHERE t.status = 'open' AND t.delivered_at IS NULL AND ${NOT_GIVEN_UP_SQL}) AS next_delivery
         FROM task t WHERE t.campaign_id = ?`, [rules.maxEscalations, rules.reminderBeforeDueMs, campaignId]);
    const times = [p.next_escalation, p.next_reminder, p.next_delivery].filter((d): d is Date => d !== null).map((d) => new Date(d).getTime());
    const nextMs = times.length > 0 ? Math.min(...times) : null;
    return { tasks: p.tasks, open: p.open, undelivered: p.undelivered, nextAt: nextMs === null ? null : new Date(nextMs).toISOString(), nextMs };
  }

  return {
    /** One step of a campaign's remediation (see above). Idempotent; returns counts and when to come back. */
    async remediationStep(input: { campaignId: string; timing: TaskTiming }): Promise<RemediationProgress> {
      const c = await findCampaign(fork(), input.campaignId);
      if (!c) throw ApplicationFailure.nonRetryable(`campaign ${input.campaignId} not found`, 'CampaignNotFound');
      const due = await deadlines(c.id, input.timing, Date.now());
      const sent = await deliveries(c.id, input.timing);
      const settled = await settleAttested(fork(), c);
      const more = due >= DEADLINE_BATCH || sent >= DELIVERY_BATCH || settled >= SETTLE_BATCH;
      const { nextMs, ...counts } = await progress(c.id, input.timing);
      // Work left over by a batch limit: come back at once rather than at the next deadline.
      return { ...counts, nextAt: more ? new Date().toISOString() : nextMs === null ? null : new Date(nextMs).toISOString() };
    },
  };
}

export type RemediationWaveActivities = ReturnType<typeof createRemediationWaveActivities>;
