import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { escalationStep } from '../libs/domain/task-deadlines';
import type { TaskStatus } from '../libs/domain/request-types';
import { sqlCatalog } from '../libs/requests/catalog-adapter';
import { Task } from '../libs/requests/entities/task.entity';
import { deliverThroughChannel, ticketChannelDeps } from '../libs/tickets/channels';
import { buildTicket, type TicketChannel, type TicketKind } from '../libs/tickets/ticket';
import type { ActivityDeps } from './deps';
import { LockMode } from '@mikro-orm/core';

interface TaskTicketRow {
  id: string;
  request_id: string;
  campaign_id: string | null;
  workflow_id: string;
  kind: TicketKind;
  action: 'grant' | 'revoke';
  status: string;
  urgent: boolean;
  channel: TicketChannel;
  system_key: string;
  entitlements: string[];
  due_at: Date;
  created_at: Date;
  delivered_at: Date | null;
  external_ref: string | null;
  identity_key: string;
  identity_name: string;
  username: string;
}

export interface DeliverTaskTicketsResult {
  delivered: DeliverTaskTicketResult[];
  /** Tasks whose delivery failed permanently (each failure audited as `ticket.delivery_failed`). */
  failed: string[];
}

export interface DeliverTaskTicketResult {
  taskId: string;
  channel: string;
  externalRef: string | null;
  /** True when an earlier attempt had already recorded the delivery: nothing was sent. */
  alreadyDelivered: boolean;
  skipped: boolean;
}

const actor = SYSTEM_ACTORS.worker;

function auditTask(tx: EntityManager, t: Task, action: string, key: string, details: Record<string, unknown>) {
  return recordAuditEvent(tx, {
    actor, action, subject: { type: 'task', id: t.id }, requestId: t.requestId, campaignId: t.campaignId, workflowId: t.workflowId,
    details: { system: t.systemKey, action: t.action, identity: t.identityKey, ...details },
    idempotencyKey: `task:${t.id}:${key}`,
  });
}

/**
 * Who an escalation level goes to: the task's attesters (the system's owners, or the stand-ins
 * when every owner is the subject), then their active managers, then the admins; never the subject.
 */
async function escalationRecipients(tx: EntityManager, t: Task, level: number): Promise<string[]> {
  const step = escalationStep(level);
  if (step === 'admins') return (await sqlCatalog.admins(tx)).filter((k) => k !== t.identityKey).sort();
  const [system] = await sqlCatalog.systems(tx, [t.systemKey]);
  const owners = t.fallbackAttesters.length ? t.fallbackAttesters : (system?.owners ?? []);
  if (step === 'reminder' || owners.length === 0) return owners.filter((k) => k !== t.identityKey).sort();
  const rows = await tx.execute<{ key: string }[]>(
    `SELECT DISTINCT m.key FROM identity i JOIN identity m ON m.key = i.manager AND m.status = 'active' WHERE i.key IN (?)`, [owners]);
  return rows.map((x) => x.key).filter((k) => k !== t.identityKey).sort();
}

/**
 * One delivery attempt of a task's ticket through its system's channel (`attempt` numbers the
 * ledger row of a failure). Used by the `deliverTaskTicket` activity (Temporal's attempt) and by
 * the certification remediation's batched delivery (the task's own attempt count), so both keep
 * the same idempotency: the ticket's key (`ticket:<taskId>`) is the same on every attempt.
 */
export function createTicketDelivery(deps: ActivityDeps) {
  const channelDeps = ticketChannelDeps(deps.config);
  return async function deliverTask(input: { taskId: string; webhookTimeoutMs?: number }, attempt: number): Promise<DeliverTaskTicketResult> {
    const em = deps.orm.em.fork();
    const [t] = await em.execute<TaskTicketRow[]>(
      `SELECT t.id, t.request_id, t.campaign_id, t.workflow_id, r.kind, t.action, t.status, t.urgent, t.channel, t.system_key, t.entitlements,
              t.due_at, t.created_at, t.delivered_at, t.external_ref, t.identity_key, i.name AS identity_name, i.username
         FROM task t JOIN request r ON r.id = t.request_id JOIN identity i ON i.key = t.identity_key
        WHERE t.id = ?`,
      [input.taskId],
    );
    if (!t) throw ApplicationFailure.nonRetryable(`task ${input.taskId} not found`, 'TaskNotFound');
    const result = { taskId: t.id, channel: t.channel, externalRef: t.external_ref };
    if (t.delivered_at) return { ...result, alreadyDelivered: true, skipped: false };
    if (t.status !== 'open') return { ...result, alreadyDelivered: false, skipped: true };

    const [system] = await sqlCatalog.systems(em, [t.system_key]);
    const names = new Map((system?.entitlements ?? []).map((e) => [e.key, e]));
    const ticket = buildTicket(
      {
        taskId: t.id,
        requestId: t.request_id,
        campaignId: t.campaign_id,
        kind: t.kind,
        action: t.action,
        urgent: t.urgent,
        system: { key: t.system_key, name: system?.name ?? t.system_key },
        identity: { key: t.identity_key, name: t.identity_name, username: t.username },
        entitlements: t.entitlements.map((k) => ({ key: k, name: names.get(k)?.name ?? k, privileged: names.get(k)?.privileged ?? false })),
        dueAt: new Date(t.due_at).toISOString(),
        createdAt: new Date(t.created_at).toISOString(),
      },
      deps.config.publicUrl,
    );
    const audit = { actor: SYSTEM_ACTORS.worker, subject: { type: 'task', id: t.id }, requestId: t.request_id, campaignId: t.campaign_id, workflowId: t.workflow_id };

    let externalRef: string | null;
    try {
      ({ externalRef } = await deliverThroughChannel(
        ticket,
        { channel: t.channel, target: system?.target ?? null },
        { ...channelDeps, webhookTimeoutMs: input.webhookTimeoutMs ?? channelDeps.webhookTimeoutMs },
      ));
    } catch (err) {
      const failure = err instanceof ApplicationFailure ? err : null;
      await em.fork().transactional(async (tx) => {
        await tx.execute('UPDATE task SET delivery_attempts = greatest(delivery_attempts, ?), updated_at = now() WHERE id = ?', [attempt, t.id]);
        await recordAuditEvent(tx, {
          ...audit,
          action: 'ticket.delivery_failed',
          details: {
            channel: t.channel,
            attempt,
            error: (err as Error).message,
            type: failure?.type ?? 'Error',
            retryable: !(failure?.nonRetryable ?? false),
            idempotencyKey: ticket.idempotencyKey,
          },
          idempotencyKey: `ticket:${t.id}:attempt:${attempt}`,
        });
      });
      throw err;
    }

    const recorded = await em.fork().transactional(async (tx) => {
      // A queue ticket is the task list itself: a task cancelled meanwhile was never handed to anyone.
      const [now] = await tx.execute<{ status: string }[]>('SELECT status FROM task WHERE id = ? FOR UPDATE', [t.id]);
      if (t.channel === 'queue' && now?.status !== 'open') return false;
      await tx.execute(
        `UPDATE task SET delivered_at = now(), external_ref = coalesce(?, external_ref),
                delivery_attempts = greatest(delivery_attempts, ?), updated_at = now()
          WHERE id = ? AND delivered_at IS NULL`,
        [externalRef, attempt, t.id],
      );
      await recordAuditEvent(tx, {
        ...audit,
        action: 'ticket.delivered',
        details: { channel: t.channel, externalRef, attempt, idempotencyKey: ticket.idempotencyKey, target: system?.target ?? null },
        idempotencyKey: `ticket:${t.id}:delivered`,
      });
      return true;
    });
    return { ...result, externalRef, alreadyDelivered: false, skipped: !recorded };
  };
}

/**
 * THE task path's activities, shared by every workflow kind (see workflows/task-supervision.ts):
 * ticket delivery, the reminder, escalation and the status re-read. Each: own fork, one
 * transaction holding the change and its audit event, idempotent by its ledger key.
 */
export function createTaskActivities(deps: ActivityDeps) {
  const deliverTask = createTicketDelivery(deps);
  const fork = () => deps.orm.em.fork();

  const activities = {
    /**
     * Delivers a task's ticket through its system's channel: one attempt per activity attempt, the
     * retry policy with backoff is Temporal's. The ticket's idempotency key (`ticket:<taskId>`) is
     * the same on every attempt and after a worker crash between sending and recording, so the
     * helpdesk (Idempotency-Key) and the inbox (Message-ID) see one ticket. Every attempt's
     * outcome is audited (`ticket.delivery_failed` per failed attempt, `ticket.delivered` once).
     */
    async deliverTaskTicket(input: { taskId: string; webhookTimeoutMs?: number }): Promise<DeliverTaskTicketResult> {
      return deliverTask(input, Context.current().info.attempt);
    },

    /**
     * A flow's tickets in one activity (ADR 121): each delivered as `deliverTaskTicket` does (same
     * idempotency key, `delivered_at` checked first, every attempt audited under this activity's
     * attempt number), all in parallel. A heartbeat after each settled ticket carries the settled
     * task ids, so the next attempt (after a failure, or a killed worker's heartbeat timeout) skips
     * them. A permanent (non-retryable) failure settles its ticket as failed; any retryable failure
     * fails this attempt once the others settled, and Temporal's retry policy brings the rest.
     */
    async deliverTaskTickets(input: { taskIds: string[]; webhookTimeoutMs?: number }): Promise<DeliverTaskTicketsResult> {
      const ctx = Context.current();
      const previous = ctx.info.heartbeatDetails as { settled?: string[]; failed?: string[] } | undefined;
      const settled = new Set(previous?.settled ?? []);
      const failed = new Set(previous?.failed ?? []);
      const retry: string[] = [];
      const delivered: DeliverTaskTicketResult[] = [];
      await Promise.all(input.taskIds.filter((id) => !settled.has(id)).map(async (taskId) => {
        try {
          delivered.push(await deliverTask({ taskId, webhookTimeoutMs: input.webhookTimeoutMs }, ctx.info.attempt));
          settled.add(taskId);
        } catch (err) {
          if (err instanceof ApplicationFailure && err.nonRetryable) {
            settled.add(taskId);
            failed.add(taskId);
          } else retry.push(`${taskId}: ${(err as Error).message}`);
        }
        ctx.heartbeat({ settled: [...settled], failed: [...failed] });
      }));
      if (retry.length) throw ApplicationFailure.retryable(`${retry.length} of ${input.taskIds.length} tickets not delivered yet: ${retry.join('; ')}`, 'TicketsPending');
      return { delivered, failed: [...failed] };
    },

    /** The reminder before the due time (audited; the owners' inbox is GET /tasks). */
    async remindTask(input: { taskId: string }): Promise<void> {
      await fork().transactional(async (tx) => {
        const t = await tx.findOne(Task, { id: input.taskId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!t || t.status !== 'open') return;
        const recipients = await escalationRecipients(tx, t, 1);
        await auditTask(tx, t, 'task.reminded', 'reminder', { dueAt: t.dueAt.toISOString(), recipients });
      });
    },

    /**
     * A missed due time: raises the task's escalation level (visible as overdue) and tells the
     * level's recipients (libs/domain/task-deadlines.ts names them). Returns false when there was
     * nothing to do (closed, or that level already recorded).
     */
    async escalateTask(input: { taskId: string; level: number }): Promise<boolean> {
      return fork().transactional(async (tx) => {
        const t = await tx.findOne(Task, { id: input.taskId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!t || t.status !== 'open' || t.escalationLevel >= input.level) return false;
        const recipients = await escalationRecipients(tx, t, input.level);
        t.escalationLevel = input.level;
        await tx.flush();
        await auditTask(tx, t, 'task.escalated', `escalated:${input.level}`, {
          level: input.level, step: escalationStep(input.level), recipients, dueAt: t.dueAt.toISOString(), overdueMs: Date.now() - t.dueAt.getTime(),
        });
        return true;
      });
    },

    /** The tasks' statuses as the database holds them (the workflow's reconcile after a timer). */
    async readTaskStatuses(input: { taskIds: string[] }): Promise<{ taskId: string; status: TaskStatus }[]> {
      if (input.taskIds.length === 0) return [];
      const rows = await fork().find(Task, { id: { $in: input.taskIds } }, { fields: ['id', 'status'] });
      return rows.map((x) => ({ taskId: x.id, status: x.status }));
    },
  };
  return {
    ...activities,
    /**
     * Legacy name of the delivery activity: joiner and mover executions started before the one task
     * path (workflows without the `one-task-path` patch marker) still schedule `deliverTicket(taskId)`.
     * Remove once no such execution is running.
     */
    deliverTicket: (taskId: string) => activities.deliverTaskTicket({ taskId }),
  };
}

export type TaskActivities = ReturnType<typeof createTaskActivities>;
