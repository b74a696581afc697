import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { recordAuditEvent } from '../../../../libs/audit/ledger';
import { parseTicketCallback } from '../../../../libs/tickets/callback';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../../../libs/tickets/signing';
import { TemporalClientService } from '../../../../libs/temporal/temporal-client.module';
import { taskClosedSignal } from '../../../../workflows/definitions';
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
 * replay, then close the task with the resolver's name as the attestation. The replay key, the
 * task's closure and its audit event commit in one transaction: a refused callback changes nothing.
 */
@Injectable()
export class TicketCallbackService {
  private readonly logger = new Logger(TicketCallbackService.name);

  constructor(
    private readonly em: EntityManager,
    @Inject(CONFIG) private readonly config: Config,
    private readonly temporal: TemporalClientService,
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
      const fresh = await tx.execute<{ callback_id: string }[]>(
        `INSERT INTO ticket_callback (callback_id, task_id, signed_at, resolver_name, resolver_email, external_ref, note)
         VALUES (?, ?, to_timestamp(?), ?, ?, ?, ?) ON CONFLICT (callback_id) DO NOTHING RETURNING callback_id`,
        [cb.callbackId, cb.ticketId, check.timestamp, cb.resolvedBy.name, cb.resolvedBy.email ?? null, cb.externalRef ?? null, cb.note ?? null],
      );
      if (fresh.length === 0) throw new ConflictException(`callback ${cb.callbackId} was already processed (replay refused)`);
      const [task] = await tx.execute<TaskRow[]>(
        'SELECT id, request_id, workflow_id, system_key, status, channel FROM task WHERE id = ? FOR UPDATE',
        [cb.ticketId],
      );
      if (!task) throw new NotFoundException(`ticket ${cb.ticketId} not found`);
      if (task.channel !== 'webhook') throw new ConflictException(`ticket ${cb.ticketId} was not sent to a helpdesk`);
      if (task.status !== 'open') throw new ConflictException(`task ${cb.ticketId} is already ${task.status}`);
      const by = `helpdesk:${task.system_key}`;
      const [done] = await tx.execute<{ completed_at: Date }[]>(
        `UPDATE task SET status = 'done', completed_by = ?, completed_by_name = ?, completed_at = now(), note = ?,
                external_ref = coalesce(?, external_ref), updated_at = now()
         WHERE id = ? RETURNING completed_at`,
        [by, cb.resolvedBy.name, cb.note ?? null, cb.externalRef ?? null, task.id],
      );
      await recordAuditEvent(tx, {
        actor: { type: 'client', id: by, name: `${cb.resolvedBy.name} (via ${task.system_key} helpdesk)` },
        action: 'task.completed',
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
        idempotencyKey: `task:${task.id}:completed`,
      });
      return { task, completedAt: new Date(done.completed_at), by };
    });

    await this.notifyWorkflow(result.task.workflow_id, result.task.id, result.by);
    return {
      taskId: result.task.id,
      status: 'done',
      completedByName: cb.resolvedBy.name,
      completedAt: result.completedAt.toISOString(),
    };
  }

  /** Best effort: the workflows also re-read their open tasks on every timer, so a lost signal only delays. */
  private async notifyWorkflow(workflowId: string, taskId: string, by: string): Promise<void> {
    try {
      const client = await this.temporal.getClient();
      await client.workflow.getHandle(workflowId).signal(taskClosedSignal, { taskId, status: 'done', by });
    } catch (err) {
      this.logger.warn(`task ${taskId} closed but workflow ${workflowId} was not signalled: ${(err as Error).message}`);
    }
  }
}
