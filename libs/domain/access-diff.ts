import { compareEntitlements, entitlementId, normaliseEntitlements, type EntitlementRef } from './access';

/** The entitlements added and removed on one system. */
export interface SystemDiff {
  system: string;
  add: string[];
  remove: string[];
}

/**
 * Current vs target access. `add`/`remove` are the flat lists of SPEC section 7 (request read
 * model); `bySystem` groups them per target system (one downstream task per entry).
 */
export interface AccessDiff {
  add: EntitlementRef[];
  remove: EntitlementRef[];
  bySystem: SystemDiff[];
}

export function diffAccess(current: readonly EntitlementRef[], target: readonly EntitlementRef[]): AccessDiff {
  const cur = normaliseEntitlements(current);
  const tgt = normaliseEntitlements(target);
  const curIds = new Set(cur.map(entitlementId));
  const tgtIds = new Set(tgt.map(entitlementId));
  const add = tgt.filter((e) => !curIds.has(entitlementId(e)));
  const remove = cur.filter((e) => !tgtIds.has(entitlementId(e)));
  return { add, remove, bySystem: groupBySystem(add, remove) };
}

function groupBySystem(add: EntitlementRef[], remove: EntitlementRef[]): SystemDiff[] {
  const systems = [...new Set([...add, ...remove].map((e) => e.system))].sort();
  return systems.map((system) => ({
    system,
    add: add.filter((e) => e.system === system).map((e) => e.entitlement),
    remove: remove.filter((e) => e.system === system).map((e) => e.entitlement),
  }));
}

/** Applies a diff: `applyDiff(current, diffAccess(current, target))` equals the normalised target. */
export function applyDiff(current: readonly EntitlementRef[], diff: Pick<AccessDiff, 'add' | 'remove'>): EntitlementRef[] {
  const removed = new Set(diff.remove.map(entitlementId));
  const kept = current.filter((e) => !removed.has(entitlementId(e)));
  return normaliseEntitlements([...kept, ...diff.add]).sort(compareEntitlements);
}

export function isEmptyDiff(diff: Pick<AccessDiff, 'add' | 'remove'>): boolean {
  return diff.add.length === 0 && diff.remove.length === 0;
}
