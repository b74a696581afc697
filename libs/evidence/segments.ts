/**
 * Which stretches of the chain a pack must carry so that completeness is provable: for every ledger
 * row in the pack, the whole run of rows from the last signed checkpoint before it (or the genesis)
 * through the first checkpoint at or after it. Between two signed checkpoints the links leave no
 * room for a missing row. Pure; unit-tested.
 */
export interface CheckpointBound {
  seq: string;
}

export interface Segment {
  /** The checkpoint the segment starts after (exclusive), or null for the genesis. */
  afterCheckpoint: string | null;
  /** The checkpoint the segment runs through (inclusive). */
  throughCheckpoint: string;
}

/**
 * `checkpoints` must include one at or after every row (the pack takes one at the head first).
 * Segments come back in chain order, without overlap.
 */
export function segmentsFor(rowSeqs: string[], checkpoints: CheckpointBound[]): Segment[] {
  const bounds = [...new Set(checkpoints.map((c) => BigInt(c.seq)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = new Map<string, Segment>();
  for (const s of rowSeqs) {
    const seq = BigInt(s);
    const upperIndex = bounds.findIndex((b) => b >= seq);
    if (upperIndex < 0) throw new RangeError(`no checkpoint at or after row ${s}`);
    const after = upperIndex === 0 ? null : bounds[upperIndex - 1].toString();
    const through = bounds[upperIndex].toString();
    out.set(through, { afterCheckpoint: after, throughCheckpoint: through });
  }
  return [...out.values()].sort((a, b) => (BigInt(a.throughCheckpoint) < BigInt(b.throughCheckpoint) ? -1 : 1));
}
