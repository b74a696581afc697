import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from './ledger';

/**
 * Appends many events in ONE statement inside the caller's transaction (a bulk certification
 * decision writes up to 1,000). The chain trigger runs per row and sees the rows the same
 * statement inserted before it, so the chain is the same as with one INSERT per event.
 * Duplicated idempotency keys are skipped like `recordAuditEvent`. Returns how many were written.
 */
export async function recordAuditEvents(em: EntityManager, events: readonly AuditEventInput[]): Promise<number> {
  if (events.length === 0) return 0;
  if (!em.isInTransaction()) {
    throw new Error('recordAuditEvents must run inside the transaction of the change it records');
  }
  const rows = events.map((e) => ({
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    actor_name: e.actor.name,
    action: e.action,
    subject_type: e.subject.type,
    subject_id: e.subject.id,
    request_id: e.requestId ?? null,
    campaign_id: e.campaignId ?? null,
    workflow_id: e.workflowId ?? null,
    details: e.details ?? {},
    idempotency_key: e.idempotencyKey,
  }));
  const inserted = await em.execute<{ n: number }[]>(
    `WITH ins AS (
       INSERT INTO audit_event
         (actor_type, actor_id, actor_name, action, subject_type, subject_id,
          request_id, campaign_id, workflow_id, details, idempotency_key,
          seq, occurred_at, prev_hash, hash)
       SELECT x.actor_type, x.actor_id, x.actor_name, x.action, x.subject_type, x.subject_id,
              x.request_id, x.campaign_id, x.workflow_id, x.details, x.idempotency_key, 0, now(), '', ''
         FROM jsonb_to_recordset(?::jsonb) AS x(actor_type text, actor_id text, actor_name text, action text,
              subject_type text, subject_id text, request_id text, campaign_id text, workflow_id text, details jsonb,
              idempotency_key text)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [JSON.stringify(rows)],
    'all',
  );
  return inserted[0]?.n ?? 0;
}
