import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The transaction-scoped advisory lock the ledger's BEFORE INSERT trigger takes to keep one chain
 * (the literal in migration Migration20261126000000_ledger). A writer holds it until its commit.
 */
export const LEDGER_LOCK_KEY = '7361023418834210101';

/** Who did it: a person (identity key), an integration client, or a component of the service. */
export interface AuditActor {
  type: 'identity' | 'client' | 'system';
  id: string;
  name: string;
}

export interface AuditEventInput {
  actor: AuditActor;
  /** Dotted lower-case verb, e.g. `request.created`, `approval.decided`, `task.completed`. */
  action: string;
  subject: { type: string; id: string };
  requestId?: string | null;
  campaignId?: string | null;
  workflowId?: string | null;
  details?: Record<string, unknown>;
  /**
   * Unique per logical event. Retries of the same activity or request must produce the same key,
   * so the ledger holds the event exactly once.
   */
  idempotencyKey: string;
}

export interface RecordedAuditEvent {
  /** False when an event with this idempotency key already exists: nothing was written. */
  inserted: boolean;
  seq: string | null;
}

export const SYSTEM_ACTORS = {
  worker: { type: 'system', id: 'system:worker', name: 'JML workflow worker' },
  api: { type: 'system', id: 'system:api', name: 'JML API' },
  scheduler: { type: 'system', id: 'system:scheduler', name: 'JML scheduler' },
} as const satisfies Record<string, AuditActor>;

/**
 * Appends one event to the ledger inside the caller's transaction: the event commits or rolls
 * back with the state change it records. Call it as the last write of the transaction, since it
 * holds the ledger's append lock until commit.
 *
 * The database assigns seq, occurred_at (its own clock) and the hash chain.
 */
export async function recordAuditEvent(
  em: EntityManager,
  event: AuditEventInput,
): Promise<RecordedAuditEvent> {
  if (!em.isInTransaction()) {
    throw new Error('recordAuditEvent must run inside the transaction of the change it records');
  }
  const rows = await em.execute<{ seq: string }[]>(
    `INSERT INTO audit_event
       (actor_type, actor_id, actor_name, action, subject_type, subject_id,
        request_id, campaign_id, workflow_id, details, idempotency_key,
        seq, occurred_at, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, 0, now(), '', '')
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING seq::text AS seq`,
    [
      event.actor.type,
      event.actor.id,
      event.actor.name,
      event.action,
      event.subject.type,
      event.subject.id,
      event.requestId ?? null,
      event.campaignId ?? null,
      event.workflowId ?? null,
      JSON.stringify(event.details ?? {}),
      event.idempotencyKey,
    ],
    'all',
  );
  return rows.length > 0 ? { inserted: true, seq: rows[0].seq } : { inserted: false, seq: null };
}

/** True when the ledger already holds an event with this key (a retried step already committed). */
export async function isRecorded(em: EntityManager, idempotencyKey: string): Promise<boolean> {
  const rows = await em.execute<unknown[]>(
    'SELECT 1 FROM audit_event WHERE idempotency_key = ? LIMIT 1',
    [idempotencyKey],
    'all',
  );
  return rows.length > 0;
}
