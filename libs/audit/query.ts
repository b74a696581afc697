import type { EntityManager } from '@mikro-orm/postgresql';

/** Filters an auditor can combine; all optional. Times are ISO-8601 with offset. */
export interface AuditFilter {
  subjectType?: string;
  subjectId?: string;
  actor?: string;
  action?: string;
  requestId?: string;
  campaignId?: string;
  from?: string;
  to?: string;
}

export interface AuditRow {
  seq: string;
  id: string;
  occurredAt: string;
  actor: { type: string; id: string; name: string };
  action: string;
  subject: { type: string; id: string };
  requestId: string | null;
  campaignId: string | null;
  workflowId: string | null;
  details: Record<string, unknown>;
  idempotencyKey: string;
  prevHash: string;
  hash: string;
}

interface RawRow {
  seq: string;
  id: string;
  occurred_at: Date | string;
  actor_type: string;
  actor_id: string;
  actor_name: string;
  action: string;
  subject_type: string;
  subject_id: string;
  request_id: string | null;
  campaign_id: string | null;
  workflow_id: string | null;
  details: Record<string, unknown>;
  idempotency_key: string;
  prev_hash: string;
  hash: string;
}

export function toAuditRow(r: RawRow): AuditRow {
  return {
    seq: r.seq,
    id: r.id,
    occurredAt: new Date(r.occurred_at).toISOString(),
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    action: r.action,
    subject: { type: r.subject_type, id: r.subject_id },
    requestId: r.request_id,
    campaignId: r.campaign_id,
    workflowId: r.workflow_id,
    details: r.details,
    idempotencyKey: r.idempotency_key,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Rows matching the filter, oldest first, after `afterSeq`, at most `limit`. */
export async function queryAudit(em: EntityManager, filter: AuditFilter, afterSeq: string | null, limit: number): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (filter.subjectType) add('subject_type = ?', filter.subjectType);
  if (filter.subjectId) add('subject_id = ?', filter.subjectId);
  if (filter.actor) add('actor_id = ?', filter.actor);
  if (filter.action) add('action = ?', filter.action);
  if (filter.requestId) add('request_id = ?', filter.requestId);
  if (filter.campaignId) add('campaign_id = ?', filter.campaignId);
  if (filter.from) add('occurred_at >= ?::timestamptz', filter.from);
  if (filter.to) add('occurred_at < ?::timestamptz', filter.to);
  if (afterSeq) add('seq > ?::bigint', afterSeq);
  params.push(limit);
  const rows = await em.execute<RawRow[]>(
    `SELECT seq::text AS seq, id::text AS id, occurred_at, actor_type, actor_id, actor_name, action, subject_type,
            subject_id, request_id, campaign_id, workflow_id, details, idempotency_key, prev_hash, hash
       FROM audit_event ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq LIMIT ?`,
    params,
    'all',
  );
  return rows.map(toAuditRow);
}
