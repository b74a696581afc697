/**
 * Plain-JSON shapes of access shared by the API, activities and workflows. Nothing here imports
 * anything with side effects: the Temporal workflow bundle includes this folder.
 */

/** One entitlement on one target system. */
export interface EntitlementRef {
  system: string;
  entitlement: string;
}

/** What an identity holds (or would hold): business roles and the entitlements they grant. */
export interface HeldAccess {
  roles: string[];
  entitlements: EntitlementRef[];
}

export function entitlementId(e: EntitlementRef): string {
  return `${e.system}\u0000${e.entitlement}`;
}

/** Stable order: by system, then entitlement key. */
export function compareEntitlements(a: EntitlementRef, b: EntitlementRef): number {
  if (a.system !== b.system) return a.system < b.system ? -1 : 1;
  if (a.entitlement !== b.entitlement) return a.entitlement < b.entitlement ? -1 : 1;
  return 0;
}

/** Removes duplicates and sorts; returns fresh objects (callers may keep them in workflow state). */
export function normaliseEntitlements(list: readonly EntitlementRef[]): EntitlementRef[] {
  const seen = new Set<string>();
  const out: EntitlementRef[] = [];
  for (const e of list) {
    const id = entitlementId(e);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ system: e.system, entitlement: e.entitlement });
  }
  return out.sort(compareEntitlements);
}

/** The union of the entitlements granted by several roles (e.g. the roles of a joiner). */
export function entitlementsOfRoles(
  roles: readonly { entitlements: readonly EntitlementRef[] }[],
): EntitlementRef[] {
  return normaliseEntitlements(roles.flatMap((r) => r.entitlements));
}

/** Distinct system keys of a list of entitlements, sorted. */
export function systemsOf(list: readonly EntitlementRef[]): string[] {
  return [...new Set(list.map((e) => e.system))].sort();
}
