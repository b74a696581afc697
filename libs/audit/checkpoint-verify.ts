import type { KeyObject } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkpointSignatureProblem, type Checkpoint } from './checkpoint';
import type { StoredCheckpoint } from './checkpoint-store';

export interface CheckpointCheck {
  /** Stored checkpoints examined (every line of the file sink). */
  checked: number;
  valid: boolean;
  /** The newest genuine checkpoint that matches the table. */
  latest: { seq: string; hash: string; at: string } | null;
  /** The first stored checkpoint that is forged, or that the table no longer matches. */
  firstBad: { line: number; seq: string | null; at: string | null; reason: string } | null;
  /**
   * Ledger rows that checkpoints prove existed and the table lacks (a restore from an older backup,
   * ADR 158): each gap in the table that checkpointed rows fall in, `fromSeq..toSeq` inclusive.
   */
  missingRows: MissingRows[];
}

export interface MissingRows {
  fromSeq: string;
  toSeq: string;
  /** Checkpoints naming a row of this gap, and the newest one's time. */
  checkpoints: number;
  lastCheckpointAt: string;
}

/**
 * Checks every stored checkpoint: its signature under the service's key, then that the ledger row
 * it names still carries the signed hash. A table rewritten after a checkpoint (even with every
 * hash recomputed and the triggers disabled) fails here, naming that checkpoint.
 */
export async function verifyCheckpoints(em: EntityManager, publicKey: KeyObject, stored: StoredCheckpoint[]): Promise<CheckpointCheck> {
  const genuine: { line: number; c: Checkpoint }[] = [];
  for (const s of stored) {
    const problem = s.checkpoint ? checkpointSignatureProblem(publicKey, s.checkpoint) : 'the line is not JSON';
    if (problem) return bad(stored.length, s, problem);
    genuine.push({ line: s.line, c: s.checkpoint as Checkpoint });
  }
  const seqs = [...new Set(genuine.map((g) => g.c.seq))];
  const rows = seqs.length
    ? await em.execute<{ seq: string; hash: string }[]>(
        'SELECT audit_event.seq::text AS seq, audit_event.hash FROM audit_event WHERE audit_event.seq IN (?)',
        [seqs],
        'all',
      )
    : [];
  const hashOf = new Map(rows.map((r) => [r.seq, r.hash]));
  let latest: CheckpointCheck['latest'] = null;
  const missing: { line: number; c: Checkpoint }[] = [];
  for (const { line, c } of genuine) {
    const now = hashOf.get(c.seq);
    if (now === undefined) {
      missing.push({ line, c });
      continue;
    }
    if (now !== c.hash) {
      return bad(stored.length, { line, checkpoint: c }, `ledger row ${c.seq} has hash ${now}, but the checkpoint signed ${c.hash}: the table was rewritten after ${c.at}`);
    }
    if (!latest || BigInt(c.seq) >= BigInt(latest.seq)) latest = { seq: c.seq, hash: c.hash, at: c.at };
  }
  if (missing.length > 0) {
    const gaps = await missingGaps(em, missing.map((m) => m.c));
    const first = missing[0];
    const gap = gaps.find((g) => BigInt(g.fromSeq) <= BigInt(first.c.seq) && BigInt(first.c.seq) <= BigInt(g.toSeq))!;
    const reason = `ledger row ${first.c.seq} named by this checkpoint is missing from the table: rows ${gap.fromSeq}..${gap.toSeq}, checkpointed up to ${gap.lastCheckpointAt}, are not in it (restored from an older backup?)`;
    return { ...bad(stored.length, { line: first.line, checkpoint: first.c }, reason), missingRows: gaps };
  }
  return { checked: stored.length, valid: true, latest, firstBad: null, missingRows: [] };
}

/**
 * The gaps of the table that hold checkpointed rows: from the row after the nearest row below to
 * the row before the nearest row above (or, with none above, the highest checkpointed row). A
 * restore moves the ledger sequence past every checkpointed row, so such a gap is exactly the rows
 * the backup lacks.
 */
async function missingGaps(em: EntityManager, checkpoints: Checkpoint[]): Promise<MissingRows[]> {
  const rows = await em.execute<{ seq: string; below: string | null; above: string | null }[]>(
    `SELECT m.seq::text AS seq,
            (SELECT max(e.seq) FROM audit_event e WHERE e.seq < m.seq)::text AS below,
            (SELECT min(e.seq) FROM audit_event e WHERE e.seq > m.seq)::text AS above
       FROM unnest(ARRAY[?]::bigint[]) AS m(seq)`,
    [checkpoints.map((c) => c.seq)],
    'all',
  );
  const gaps = new Map<string, { from: bigint; above: string | null; top: bigint; count: number; at: string }>();
  for (const r of rows) {
    const c = checkpoints.filter((x) => x.seq === r.seq);
    const key = `${r.below}:${r.above}`;
    const g = gaps.get(key) ?? { from: BigInt(r.below ?? '0') + 1n, above: r.above, top: 0n, count: 0, at: '' };
    g.count += c.length;
    if (BigInt(r.seq) > g.top) g.top = BigInt(r.seq);
    for (const x of c) if (x.at > g.at) g.at = x.at;
    gaps.set(key, g);
  }
  return [...gaps.values()]
    .map((g) => ({ fromSeq: String(g.from), toSeq: String(g.above ? BigInt(g.above) - 1n : g.top), checkpoints: g.count, lastCheckpointAt: g.at }))
    .sort((a, b) => (BigInt(a.fromSeq) < BigInt(b.fromSeq) ? -1 : 1));
}

function bad(checked: number, s: StoredCheckpoint, reason: string): CheckpointCheck {
  const c = s.checkpoint;
  return {
    checked,
    valid: false,
    latest: null,
    firstBad: { line: s.line, seq: typeof c?.seq === 'string' ? c.seq : null, at: typeof c?.at === 'string' ? c.at : null, reason },
    missingRows: [],
  };
}
