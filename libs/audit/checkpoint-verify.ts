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
  for (const { line, c } of genuine) {
    const now = hashOf.get(c.seq);
    if (now === undefined) return bad(stored.length, { line, checkpoint: c }, `ledger row ${c.seq} named by this checkpoint is missing from the table`);
    if (now !== c.hash) {
      return bad(stored.length, { line, checkpoint: c }, `ledger row ${c.seq} has hash ${now}, but the checkpoint signed ${c.hash}: the table was rewritten after ${c.at}`);
    }
    if (!latest || BigInt(c.seq) >= BigInt(latest.seq)) latest = { seq: c.seq, hash: c.hash, at: c.at };
  }
  return { checked: stored.length, valid: true, latest, firstBad: null };
}

function bad(checked: number, s: StoredCheckpoint, reason: string): CheckpointCheck {
  const c = s.checkpoint;
  return {
    checked,
    valid: false,
    latest: null,
    firstBad: { line: s.line, seq: typeof c?.seq === 'string' ? c.seq : null, at: typeof c?.at === 'string' ? c.at : null, reason },
  };
}
