import { mb } from '../support';
import type { FloorResult } from './floor.bench';

/** midPoint 4.4: 1,301 accounts provisioned per minute on 2 nodes x 48 threads (issue 12). */
const MIDPOINT_PER_SECOND = 1301 / 60;

/**
 * The rows that put the mass leaver beside its engine floor (issue 12): the floor, the product's
 * time over it, time per leaver at each burst size, and tickets per second beside midPoint's.
 */
export function engineRows(o: {
  floor: FloorResult; floorPerTask: FloorResult | null; floorBaseline: FloorResult | null; mass: number; massMs: number;
  scaled: { n: number; ms: number }[]; systems: number;
}): Record<string, string>[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const { floor, floorPerTask, floorBaseline } = o;
  const ratio = o.massMs / floor.ms;
  const perLeaver = o.scaled.map((x) => `${x.n}: ${(x.ms / x.n).toFixed(1)} ms`).join(', ');
  const first = o.scaled[0];
  const growth = first && o.scaled.length > 1 ? (o.massMs / o.mass) / (first.ms / first.n) : NaN;
  const tps = (o.mass * o.systems) / (o.massMs / 1000);
  return [
    {
      measure: `engine floor: ${floor.n.toLocaleString('en')} workflows of the leaver's shape (begin+effective, one delivery of ${floor.systems} tickets, close), no-op activities`,
      result: s(floor.ms), goal: 'reported', met: '-',
      notes: `same dev server (WAL, synchronous=normal) and worker options as the product; floor worker peak RSS ${mb(floor.peakRss)} MB` +
        (floorPerTask ? `; the shape before ADR 121 (begin, effective, ${floor.systems} deliveries, close): ${s(floorPerTask.ms)} (${(floorPerTask.ms / floor.ms).toFixed(2)}x)` : '') +
        (floorBaseline ? `; without the SQLite pragmas: ${s(floorBaseline.ms)} (${(floorBaseline.ms / floor.ms).toFixed(2)}x)` : ''),
    },
    { measure: 'mass leaver over its engine floor', result: `${ratio.toFixed(2)}x`, goal: 'towards 1', met: '-', notes: `${s(o.massMs)} / ${s(floor.ms)}` },
    {
      measure: 'scaling: time per leaver by burst size', result: perLeaver, goal: 'linear', met: Number.isNaN(growth) ? '-' : growth <= 1.25 ? 'yes' : 'no',
      notes: Number.isNaN(growth) ? 'one size only' : `per-leaver cost at ${o.mass} over at ${first.n}: ${growth.toFixed(2)}x`,
    },
    {
      measure: 'mass leaver: tickets per second', result: `${tps.toFixed(1)}/s`, goal: `midPoint ${MIDPOINT_PER_SECOND.toFixed(1)}/s`, met: tps >= MIDPOINT_PER_SECOND ? 'yes' : 'no',
      notes: 'midPoint 4.4: 1,301 accounts/min on 2 nodes x 48 threads; ours: one 2-core machine with everything local',
    },
  ];
}
