import type { IdentityDetail, Role } from '../../lib/catalog';

export interface Ref {
  system: string;
  entitlement: string;
}

const id = (e: Ref) => `${e.system}\u0000${e.entitlement}`;

/**
 * The mover's diff as the service will compute it: current entitlements against those held after
 * removing `remove` and adding `add` (an entitlement another kept role still grants stays).
 */
export function previewMoverDiff(person: IdentityDetail, roles: Role[], add: string[], remove: string[]): { add: Ref[]; remove: Ref[] } {
  const current = person.access.flatMap((a) => a.entitlements.map((entitlement) => ({ system: a.system, entitlement })));
  const kept = person.access.filter((a) => !remove.includes(a.role)).flatMap((a) => a.entitlements.map((entitlement) => ({ system: a.system, entitlement })));
  const added = roles.filter((r) => add.includes(r.key)).flatMap((r) => r.entitlements);
  const target = [...kept, ...added];
  const cur = new Set(current.map(id));
  const tgt = new Set(target.map(id));
  const dedupe = (xs: Ref[]) => [...new Map(xs.map((e) => [id(e), e])).values()];
  return { add: dedupe(target.filter((e) => !cur.has(id(e)))), remove: dedupe(current.filter((e) => !tgt.has(id(e)))) };
}
