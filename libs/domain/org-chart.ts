import type { OrgPerson } from './approval-policy';

/** The managers above `key`, nearest first; stops at a cycle (which `findManagerCycles` reports). */
export function managerChain(org: readonly OrgPerson[], key: string): string[] {
  const byKey = new Map(org.map((p) => [p.key, p.manager]));
  const chain: string[] = [];
  const seen = new Set([key]);
  let cur = byKey.get(key) ?? null;
  while (cur && !seen.has(cur)) {
    chain.push(cur);
    seen.add(cur);
    cur = byKey.get(cur) ?? null;
  }
  return chain;
}

/**
 * Every cycle in the manager relation (each reported once, starting at its smallest key). An org
 * chart is a forest: anyone reachable from themselves through `manager` is an error.
 */
export function findManagerCycles(org: readonly Pick<OrgPerson, 'key' | 'manager'>[]): string[][] {
  const byKey = new Map(org.map((p) => [p.key, p.manager]));
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  for (const start of [...byKey.keys()].sort()) {
    const path: string[] = [];
    let cur: string | null | undefined = start;
    while (cur && byKey.has(cur) && !state.has(cur)) {
      state.set(cur, 'visiting');
      path.push(cur);
      cur = byKey.get(cur);
    }
    if (cur && state.get(cur) === 'visiting') {
      const cycle = path.slice(path.indexOf(cur));
      const min = cycle.reduce((a, b) => (b < a ? b : a));
      const i = cycle.indexOf(min);
      cycles.push([...cycle.slice(i), ...cycle.slice(0, i)]);
    }
    for (const k of path) state.set(k, 'done');
  }
  return cycles;
}

/**
 * The one manager-cycle rule (ADR 080), for every write that sets managers: PUT /identities, a
 * mover's `changes.manager`, a joiner's manager and the catalog import. `org` is the current chart
 * (or the part of it above the new managers), `changes` maps identity key -> new manager.
 * Returns each cycle the changed chart would have that goes through a changed identity, as a
 * path that starts and ends at that identity (e.g. ["E1", "E2", "E1"]); empty when none.
 */
export function managerCyclesAfter(
  org: readonly Pick<OrgPerson, 'key' | 'manager'>[],
  changes: ReadonlyMap<string, string | null>,
): string[][] {
  const merged = new Map(org.map((p) => [p.key, p.manager]));
  for (const [k, m] of changes) merged.set(k, m);
  return findManagerCycles([...merged].map(([key, manager]) => ({ key, manager })))
    .filter((cycle) => cycle.some((k) => changes.has(k)))
    .map((cycle) => {
      const i = cycle.findIndex((k) => changes.has(k));
      const fromChanged = [...cycle.slice(i), ...cycle.slice(0, i)];
      return [...fromChanged, fromChanged[0]];
    });
}
