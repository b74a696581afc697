import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { systemsByKey } from './leaver-support';
import { deliverThroughChannel, ticketChannelDeps } from '../libs/tickets/channels';
import { buildTicket, type TicketChannel } from '../libs/tickets/ticket';
import type { ActivityDeps } from './deps';

interface TaskTicketRow {
  id: string;
  request_id: string;
  workflow_id: string;
  kind: 'joiner' | 'mover' | 'leaver';
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

export interface DeliverTaskTicketResult {
  taskId: string;
  channel: string;
  externalRef: string | null;
  /** True when an earlier attempt had already recorded the delivery: nothing was sent. */
  alreadyDelivered: boolean;
  skipped: boolean;
}

/**
 * Delivers a task's ticket through its system's channel: one attempt per activity attempt, the
 * retry policy with backoff is Temporal's. The ticket's idempotency key (`ticket:<taskId>`) is the
 * same on every attempt and after a worker crash between sending and recording, so the helpdesk
 * (Idempotency-Key) and the inbox (Message-ID) see one ticket. Every attempt's outcome is audited.
 */
export function createTicketActivities(deps: ActivityDeps) {
  const channelDeps = ticketChannelDeps(deps.config);

  return {
    async deliverTaskTicket(input: { taskId: string; webhookTimeoutMs?: number }): Promise<DeliverTaskTicketResult> {
      const attempt = Context.current().info.attempt;
      const em = deps.orm.em.fork();
      const [t] = await em.execute<TaskTicketRow[]>(
        `SELECT t.id, t.request_id, t.workflow_id, r.kind, t.action, t.status, t.urgent, t.channel, t.system_key, t.entitlements,
                t.due_at, t.created_at, t.delivered_at, t.external_ref, t.identity_key, i.name AS identity_name, i.username
           FROM task t JOIN request r ON r.id = t.request_id JOIN identity i ON i.key = t.identity_key
          WHERE t.id = ?`,
        [input.taskId],
      );
      if (!t) throw ApplicationFailure.nonRetryable(`task ${input.taskId} not found`, 'TaskNotFound');
      const result = { taskId: t.id, channel: t.channel, externalRef: t.external_ref };
      if (t.delivered_at) return { ...result, alreadyDelivered: true, skipped: false };
      if (t.status !== 'open') return { ...result, alreadyDelivered: false, skipped: true };

      const [system] = await systemsByKey(em, [t.system_key]);
      const names = new Map((system?.entitlements ?? []).map((e) => [e.key, e]));
      const ticket = buildTicket(
        {
          taskId: t.id,
          requestId: t.request_id,
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
      const audit = { actor: SYSTEM_ACTORS.worker, subject: { type: 'task', id: t.id }, requestId: t.request_id, workflowId: t.workflow_id };

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

      await em.fork().transactional(async (tx) => {
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
      });
      return { ...result, externalRef, alreadyDelivered: false, skipped: false };
    },
  };
}

export type TicketActivities = ReturnType<typeof createTicketActivities>;
