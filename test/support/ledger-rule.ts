import { createHash } from 'node:crypto';

/**
 * The hash rule of docs/audit-ledger.md, written again from the document alone (not from
 * libs/audit/chain.ts), the way an auditor would: every covered field as
 * `<UTF-8 byte length>:<value>`, joined by `|`, SHA-256 in lower-case hex.
 */
export interface ExportedRow {
  seq: string;
  occurredAt: string;
  actor: { type: string; id: string; name: string };
  action: string;
  subject: { type: string; id: string };
  requestId: string | null;
  campaignId: string | null;
  workflowId: string | null;
  idempotencyKey: string;
  detailsText: string;
  prevHash: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

export function documentedHash(r: ExportedRow): string {
  const fields = [
    r.seq, r.occurredAt, r.actor.type, r.actor.id, r.actor.name, r.action, r.subject.type, r.subject.id,
    r.requestId ?? '', r.campaignId ?? '', r.workflowId ?? '', r.idempotencyKey, r.detailsText, r.prevHash,
  ];
  const payload = fields.map((f) => `${Buffer.byteLength(f, 'utf8')}:${f}`).join('|');
  return createHash('sha256').update(payload, 'utf8').digest('hex');
}

/**
 * Checks a contiguous run of exported rows: each hash recomputed, each `prevHash` equal to the hash
 * before it (the first one to `firstPrev`). Returns the first problem, or null.
 */
export function checkRun(rows: ExportedRow[], firstPrev: string): string | null {
  let prev = firstPrev;
  for (const r of rows) {
    if (r.prevHash !== prev) return `row ${r.seq}: prevHash does not link to the row before`;
    if (documentedHash(r) !== r.hash) return `row ${r.seq}: hash does not match its content`;
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(r.occurredAt)) return `row ${r.seq}: occurredAt is not to the microsecond`;
    prev = r.hash;
  }
  return null;
}

/**
 * RFC 4180 cells of a CSV export, then each cell mapped back as docs/csv.md tells an auditor:
 * a cell that starts with one or more apostrophes followed by = + - @ tab or CR loses its first apostrophe.
 */
export function parseExportCsv(text: string): { rows: Record<string, string>[]; comments: string[] } {
  const records: string[][] = [];
  const comments: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '#') {
      const end = text.indexOf('\n', i);
      comments.push(text.slice(i + 2, end < 0 ? text.length : end));
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        i++;
        while (!(text[i] === '"' && text[i + 1] !== '"')) {
          cell += text[i] === '"' ? '"' : text[i];
          i += text[i] === '"' ? 2 : 1;
        }
        i++;
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
      }
      cells.push(cell.replace(/^'+(?=[=+\-@\t\r])/, (q) => q.slice(1)));
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      break;
    }
    records.push(cells);
  }
  const [header, ...body] = records;
  return { rows: body.map((c) => Object.fromEntries(header.map((h, k) => [h, c[k]]))), comments };
}

/** A CSV export row in the shape of a JSON lines row (empty cells of nullable columns are null). */
export function fromCsvRow(c: Record<string, string>): ExportedRow {
  const orNull = (v: string) => (v === '' ? null : v);
  return {
    seq: c.seq, occurredAt: c.occurredAt, actor: { type: c.actorType, id: c.actorId, name: c.actorName },
    action: c.action, subject: { type: c.subjectType, id: c.subjectId }, requestId: orNull(c.requestId),
    campaignId: orNull(c.campaignId), workflowId: orNull(c.workflowId), idempotencyKey: c.idempotencyKey,
    detailsText: c.details, prevHash: c.prevHash, hash: c.hash,
  };
}
