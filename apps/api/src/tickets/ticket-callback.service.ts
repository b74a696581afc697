import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import type { ForkOptions } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { recordAuditEvent } from '../../../../libs/audit/ledger';
import { parseTicketCallback } from '../../../../libs/tickets/callback';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../../../libs/tickets/signing';
import { completeTask } from '../requests/complete-task';
import { OutboxRelayService } from '../requests/outbox-relay.service';
import type { TicketCallbackResultDto } from './ticket-callback.dto';

interface TaskRow {
  id: string;
  request_id: string;
  workflow_id: string;
  system_key: string;
  status: string;
  channel: string;
}

const REASONS: Record<string, string> = {
  missing_headers: `${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} headers are required`,
  bad_timestamp: `${TIMESTAMP_HEADER} must be unix seconds`,
  bad_signature: 'signature does not match',
  stale_timestamp: 'timestamp outside the accepted window (replay or clock skew)',
};

/**
 * A helpdesk resolved a ticket: verify it came from the helpdesk (HMAC), is fresh and not a
 * replay, then close the task with the resolver's name as the attestation through the same
 * `completeTask` as `POST /tasks/{id}/complete` (request row lock first, then the task). The
 * attestation, its `task.completed` event, the workflow signal (outbox), the replay key and the
 * `ticket.resolved` event commit in one transaction: a refused callback changes nothing.
 */
@Injectable()
export class TicketCallbackService {
  constructor(
    private readonly em: EntityManager,
    @Inject(CONFIG) private readonly config: Config,
    private readonly relay: OutboxRelayService,
  ) {}

  async handle(rawBody: Buffer | undefined, headers: Record<string, string | string[] | undefined>): Promise<TicketCallbackResultDto> {
    const header = (name: string) => {
      const v = headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    };
    const secret = this.config.tickets.hmacSecret;
    if (!secret) throw new UnauthorizedException('ticket callbacks are disabled: no TICKET_HMAC_SECRET is configured');
    const body = rawBody ?? Buffer.alloc(0);
    const check = verifySignature({
      secrets: [secret],
      timestamp: header(TIMESTAMP_HEADER),
      signature: header(SIGNATURE_HEADER),
      rawBody: body,
    });
    if (!check.ok) throw new UnauthorizedException(`invalid ticket callback: ${REASONS[check.reason]}`);

    const parsed = parseTicketCallback(body);
    if (!parsed.ok) throw new BadRequestException({ message: 'Invalid input', details: parsed.details });
    const cb = parsed.value;
    const idem = header(IDEMPOTENCY_HEADER);
    if (idem !== undefined && idem !== cb.callbackId) {
      throw new BadRequestException({ message: 'Invalid input', details: [{ path: IDEMPOTENCY_HEADER, problems: ['must equal callbackId'] }] });
    }

    const result = await this.em.fork().transactional(async (tx) => {
      const [seen] = await tx.execute<{ callback_id: string }[]>('SELECT callback_id FROM ticket_callback WHERE callback_id = ?', [cb.callbackId]);
      if (seen) throw replayed(cb.callbackId);
      const [task] = await tx.execute<TaskRow[]>('SELECT id, request_id, workflow_id, system_key, status, channel FROM task WHERE id = ?', [cb.ticketId]);
      if (!task) throw new NotFoundException(`ticket ${cb.ticketId} not found`);
      if (task.channel !== 'webhook') throw new ConflictException(`ticket ${cb.ticketId} was not sent to a helpdesk`);
      // The one attestation path (issue 5's): request lock, then the task, its closure, task.completed, the outbox signal.
      const by = { type: 'client' as const, id: `helpdesk:${task.system_key}`, name: cb.resolvedBy.name };
      const done = await completeTask(joinTransaction(tx), {
        taskId: task.id, by, note: cb.note ?? '', externalRef: cb.externalRef ?? null, requireOwner: false,
      });
      const fresh = await tx.execute<{ callback_id: string }[]>(
        `INSERT INTO ticket_callback (callback_id, task_id, signed_at, resolver_name, resolver_email, external_ref, note)
         VALUES (?, ?, to_timestamp(?), ?, ?, ?, ?) ON CONFLICT (callback_id) DO NOTHING RETURNING callback_id`,
        [cb.callbackId, cb.ticketId, check.timestamp, cb.resolvedBy.name, cb.resolvedBy.email ?? null, cb.externalRef ?? null, cb.note ?? null],
      );
      if (fresh.length === 0) throw replayed(cb.callbackId);
      await recordAuditEvent(tx, {
        actor: { ...by, name: `${cb.resolvedBy.name} (via ${task.system_key} helpdesk)` },
        action: 'ticket.resolved',
        subject: { type: 'task', id: task.id },
        requestId: task.request_id,
        workflowId: task.workflow_id,
        details: {
          via: 'helpdesk_callback',
          callbackId: cb.callbackId,
          resolver: cb.resolvedBy,
          note: cb.note ?? null,
          externalRef: cb.externalRef ?? null,
          resolvedAt: cb.resolvedAt ?? null,
          system: task.system_key,
        },
        idempotencyKey: `ticket-callback:${cb.callbackId}`,
      });
      return { taskId: task.id, completedAt: done.task.completedAt!, outboxId: done.outboxId };
    });

    this.relay.kick([result.outboxId]);
    return {
      taskId: result.taskId,
      status: 'done',
      completedByName: cb.resolvedBy.name,
      completedAt: result.completedAt.toISOString(),
    };
  }
}

const replayed = (callbackId: string) => new ConflictException(`callback ${callbackId} was already processed (replay refused)`);

/**
 * `completeTask` forks the EntityManager it is given and opens a transaction on the fork; this one
 * forks inside the caller's transaction instead (a savepoint), so the attestation, the replay key
 * and the `ticket.resolved` event commit or roll back together.
 */
function joinTransaction(tx: EntityManager): EntityManager {
  return { fork: (options?: ForkOptions) => tx.fork({ ...options, keepTransactionContext: true }) } as unknown as EntityManager;
}
