import type { EntityManager } from '@mikro-orm/postgresql';
import type { ChainRow } from './chain';

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

/**
 * One ledger row in the form that was hashed (docs/audit-ledger.md): `occurredAt` to the
 * microsecond exactly as the payload formats it, and `detailsText`, the exact canonical jsonb text
 * the hash covers (`details` is the same value parsed, for reading).
 */
const FILTER_KEYS = ['subjectType', 'subjectId', 'actor', 'action', 'requestId', 'campaignId', 'from', 'to'] as const;

/** Only the filter fields of a query (a DTO also carries paging and format). */
export function auditFilterOf(q: AuditFilter): AuditFilter {
  const out: AuditFilter = {};
  for (const k of FILTER_KEYS) if (q[k] !== undefined && q[k] !== '') out[k] = q[k];
  return out;
}

export interface AuditRow {
  seq: string;
  id: string;
  /** UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds: the database clock's precision). */
  occurredAt: string;
  actor: { type: string; id: string; name: string };
  action: string;
  subject: { type: string; id: string };
  requestId: string | null;
  campaignId: string | null;
  workflowId: string | null;
  details: Record<string, unknown>;
  /** The text the hash covers: PostgreSQL's canonical `jsonb::text` of `details`. */
  detailsText: string;
  idempotencyKey: string;
  prevHash: string;
  hash: string;
}

/** A ledger row as SELECTed by AUDIT_ROW_COLUMNS: the chain's columns, with `details` as its hashed text. */
export type AuditRawRow = Omit<ChainRow, 'details'> & { details_text: string };

export function toAuditRow(r: AuditRawRow): AuditRow {
  return {
    seq: r.seq,
    id: r.id,
    occurredAt: r.occurred_at,
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    action: r.action,
    subject: { type: r.subject_type, id: r.subject_id },
    requestId: r.request_id,
    campaignId: r.campaign_id,
    workflowId: r.workflow_id,
    details: JSON.parse(r.details_text) as Record<string, unknown>,
    detailsText: r.details_text,
    idempotencyKey: r.idempotency_key,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * The columns in their hashed form. Every name is qualified by the table, so that `ORDER BY` and
 * `WHERE` compare the bigint column, never the text alias of the same name (text order put 10
 * before 9 and made keyset paging skip rows).
 */
export const AUDIT_ROW_COLUMNS = `audit_event.seq::text AS seq, audit_event.id::text AS id,
  to_char(audit_event.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
  audit_event.actor_type, audit_event.actor_id, audit_event.actor_name, audit_event.action,
  audit_event.subject_type, audit_event.subject_id, audit_event.request_id, audit_event.campaign_id,
  audit_event.workflow_id, audit_event.details::text AS details_text, audit_event.idempotency_key,
  audit_event.prev_hash, audit_event.hash`;

/** Where a page starts and ends in chain order: after `afterSeq`, up to `upToSeq` (inclusive). */
export interface SeqRange {
  afterSeq: string | null;
  upToSeq?: string | null;
}

/** Rows matching the filter in chain order (numeric `seq`), within `range`, at most `limit`. */
export async function queryAudit(em: EntityManager, filter: AuditFilter, range: SeqRange, limit: number): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (filter.subjectType) add('audit_event.subject_type = ?', filter.subjectType);
  if (filter.subjectId) add('audit_event.subject_id = ?', filter.subjectId);
  if (filter.actor) add('audit_event.actor_id = ?', filter.actor);
  if (filter.action) add('audit_event.action = ?', filter.action);
  if (filter.requestId) add('audit_event.request_id = ?', filter.requestId);
  if (filter.campaignId) add('audit_event.campaign_id = ?', filter.campaignId);
  if (filter.from) add('audit_event.occurred_at >= ?::timestamptz', filter.from);
  if (filter.to) add('audit_event.occurred_at < ?::timestamptz', filter.to);
  if (range.afterSeq) add('audit_event.seq > ?::bigint', range.afterSeq);
  if (range.upToSeq) add('audit_event.seq <= ?::bigint', range.upToSeq);
  params.push(limit);
  const rows = await em.execute<AuditRawRow[]>(
    `SELECT ${AUDIT_ROW_COLUMNS}
       FROM audit_event ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY audit_event.seq LIMIT ?`,
    params,
    'all',
  );
  return rows.map(toAuditRow);
}

/** The last row of the chain, or null for an empty ledger. */
export async function chainHead(em: EntityManager): Promise<{ seq: string; hash: string } | null> {
  const rows = await em.execute<{ seq: string; hash: string }[]>(
    'SELECT audit_event.seq::text AS seq, audit_event.hash FROM audit_event ORDER BY audit_event.seq DESC LIMIT 1',
    [],
    'all',
  );
  return rows[0] ?? null;
}
