import type { EntityManager } from '@mikro-orm/postgresql';
import { csvLine } from '../csv/csv';
import { auditFilterOf, chainHead, queryAudit, type AuditFilter, type AuditRow } from './query';

export type AuditExportFormat = 'jsonl' | 'csv';

/** CSV columns of an export; `details` holds the canonical text the hash covers (`detailsText`). */
export const AUDIT_CSV_COLUMNS = [
  'seq', 'id', 'occurredAt', 'actorType', 'actorId', 'actorName', 'action', 'subjectType', 'subjectId',
  'requestId', 'campaignId', 'workflowId', 'details', 'idempotencyKey', 'prevHash', 'hash',
] as const;

/** The last line of an export: what the file proves and about which chain. */
export interface ExportProof {
  /** The last row of the whole chain when the export began; every exported row is at or before it. */
  chainHead: { seq: string; hash: string } | null;
  /** The last row in this file (equals `chainHead` for an unfiltered export). */
  lastExported: { seq: string; hash: string } | null;
  rowsExported: number;
  /** True when a filter was applied: rows are not contiguous, so links hold only between neighbours in seq. */
  filtered: boolean;
  exportedAt: string;
  hashRule: 'docs/audit-ledger.md';
}

function auditCsvLine(r: AuditRow): string {
  return csvLine([
    r.seq, r.id, r.occurredAt, r.actor.type, r.actor.id, r.actor.name, r.action, r.subject.type, r.subject.id,
    r.requestId, r.campaignId, r.workflowId, r.detailsText, r.idempotencyKey, r.prevHash, r.hash,
  ]);
}

/**
 * The export as chunks of text, rows in chain order, in batches (never the whole ledger in memory).
 * The chain head is read first and bounds the export, so the proof names a row every exported row
 * precedes or equals: a writer that commits meanwhile neither slips in nor moves the head.
 */
export async function* auditExportChunks(
  em: EntityManager,
  filter: AuditFilter,
  format: AuditExportFormat,
  batchSize = 5000,
): AsyncGenerator<string> {
  filter = auditFilterOf(filter);
  const head = await chainHead(em);
  if (format === 'csv') yield `${csvLine([...AUDIT_CSV_COLUMNS])}\n`;
  let after: string | null = null;
  let count = 0;
  let last: AuditRow | null = null;
  while (head) {
    const rows = await queryAudit(em, filter, { afterSeq: after, upToSeq: head.seq }, batchSize);
    if (rows.length === 0) break;
    yield `${rows.map((r) => (format === 'csv' ? auditCsvLine(r) : JSON.stringify(r))).join('\n')}\n`;
    count += rows.length;
    last = rows[rows.length - 1];
    after = last.seq;
    if (rows.length < batchSize) break;
  }
  const filtered = Object.keys(filter).length > 0;
  const proof: ExportProof = {
    chainHead: head,
    lastExported: last ? { seq: last.seq, hash: last.hash } : null,
    rowsExported: count,
    filtered,
    exportedAt: new Date().toISOString(),
    hashRule: 'docs/audit-ledger.md',
  };
  yield format === 'csv' ? `# ${JSON.stringify(proof)}\n` : `${JSON.stringify({ proof })}\n`;
}
