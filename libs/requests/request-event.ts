import type { AuditActor, AuditEventInput } from '../audit/ledger';
import type { Request } from './entities/request.entity';

/**
 * A ledger event about request `r` by `actor`, keyed `request:<id>:<key>`: the same key on every
 * retry, so the ledger holds it once. Append it with `recordAuditEvent` or, with others of the
 * same transaction, `recordAuditEvents`.
 */
export const requestEvent = (actor: AuditActor, r: Request, action: string, key: string, details: Record<string, unknown>): AuditEventInput => ({
  actor,
  action,
  subject: { type: 'request', id: r.id },
  requestId: r.id,
  workflowId: r.workflowId,
  details,
  idempotencyKey: `request:${r.id}:${key}`,
});
