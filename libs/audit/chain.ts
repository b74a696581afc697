import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

export const GENESIS_HASH = '0'.repeat(64);

/** The ledger columns that the hash covers, as text exactly as the database formats them. */
export interface ChainRow {
  seq: string;
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string;
  actor_name: string;
  action: string;
  subject_type: string;
  subject_id: string;
  request_id: string | null;
  campaign_id: string | null;
  workflow_id: string | null;
  idempotency_key: string;
  details: string;
  prev_hash: string;
  hash: string;
}

/**
 * The canonical payload of one row: each field as `<utf8 byte length>:<value>`, joined by `|`.
 * This is the rule of the database function `audit_event_payload`, computed independently here
 * so that verification does not trust code stored in the database it is checking.
 */
export function chainPayload(row: ChainRow): string {
  const fields = [
    row.seq,
    row.occurred_at,
    row.actor_type,
    row.actor_id,
    row.actor_name,
    row.action,
    row.subject_type,
    row.subject_id,
    row.request_id ?? '',
    row.campaign_id ?? '',
    row.workflow_id ?? '',
    row.idempotency_key,
    row.details,
    row.prev_hash,
  ];
  return fields.map((f) => `${Buffer.byteLength(f, 'utf8')}:${f}`).join('|');
}

export function chainHash(row: ChainRow): string {
  return createHash('sha256').update(chainPayload(row), 'utf8').digest('hex');
}

export interface VerifyResult {
  valid: boolean;
  rowsChecked: number;
  /** The last row of the chain: publish or store it elsewhere to anchor the chain. */
  head: { seq: string; hash: string } | null;
  firstBadRow: { seq: string; id: string; reason: string } | null;
  durationMs: number;
}

const SELECT_CHAIN = `
  SELECT seq::text AS seq, id::text AS id,
         to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
         actor_type, actor_id, actor_name, action, subject_type, subject_id,
         request_id, campaign_id, workflow_id, idempotency_key, details::text AS details,
         prev_hash, hash
    FROM audit_event
   WHERE audit_event.seq > ?::bigint
   ORDER BY audit_event.seq
   LIMIT ?`;

/**
 * Walks the whole chain in seq order, recomputing every hash and link. Returns the first row
 * whose content, hash or link to its predecessor does not match.
 */
export async function verifyLedger(em: EntityManager, batchSize = 20_000): Promise<VerifyResult> {
  const started = Date.now();
  let expectedPrev = GENESIS_HASH;
  let lastSeq = '-1';
  let rowsChecked = 0;
  let head: VerifyResult['head'] = null;
  for (;;) {
    const rows = await em.execute<ChainRow[]>(SELECT_CHAIN, [lastSeq, batchSize], 'all');
    for (const row of rows) {
      rowsChecked += 1;
      const reason =
        row.prev_hash !== expectedPrev
          ? 'prev_hash does not match the hash of the previous row (a row was removed, inserted or reordered)'
          : chainHash(row) !== row.hash
            ? 'hash does not match the row content (the row was altered)'
            : null;
      if (reason) {
        return {
          valid: false,
          rowsChecked,
          head,
          firstBadRow: { seq: row.seq, id: row.id, reason },
          durationMs: Date.now() - started,
        };
      }
      expectedPrev = row.hash;
      head = { seq: row.seq, hash: row.hash };
    }
    if (rows.length < batchSize) break;
    lastSeq = rows[rows.length - 1].seq;
  }
  return { valid: true, rowsChecked, head, firstBadRow: null, durationMs: Date.now() - started };
}
