import { entitlementId, type EntitlementRef, type HeldAccess } from './access';

export type SodSeverity = 'low' | 'medium' | 'high' | 'critical';
export type SodAction = 'block' | 'require_dual_approval';

/** One side of a conflict: holding any of its roles or entitlements means holding the side. */
export interface SodSet {
  label?: string;
  roles: string[];
  entitlements: EntitlementRef[];
}

/**
 * A segregation-of-duties rule: two or more conflicting sides. An identity is in conflict when it
 * holds at least two different sides (a pair rule is the two-set case).
 */
export interface SodRuleDef {
  key: string;
  name: string;
  severity: SodSeverity;
  action: SodAction;
  sets: SodSet[];
}

/** What matched on one side of a rule. */
export interface SodMatchedSet {
  set: number;
  label: string | null;
  roles: string[];
  entitlements: EntitlementRef[];
}

export interface SodFinding {
  rule: string;
  name: string;
  severity: SodSeverity;
  action: SodAction;
  matched: SodMatchedSet[];
}

function matchSets(rule: SodRuleDef, held: HeldAccess): SodMatchedSet[] {
  const roles = new Set(held.roles);
  const ents = new Set(held.entitlements.map(entitlementId));
  const matched: SodMatchedSet[] = [];
  rule.sets.forEach((s, i) => {
    const r = [...new Set(s.roles.filter((x) => roles.has(x)))].sort();
    const e = s.entitlements.filter((x) => ents.has(entitlementId(x))).map((x) => ({ ...x }));
    if (r.length > 0 || e.length > 0) matched.push({ set: i, label: s.label ?? null, roles: r, entitlements: e });
  });
  return matched;
}

/** Every rule violated by this access (the detective view for one identity). */
export function evaluateSod(held: HeldAccess, rules: readonly SodRuleDef[]): SodFinding[] {
  const findings: SodFinding[] = [];
  for (const rule of rules) {
    const matched = matchSets(rule, held);
    if (matched.length >= 2) {
      findings.push({ rule: rule.key, name: rule.name, severity: rule.severity, action: rule.action, matched });
    }
  }
  return findings.sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

export interface PreventiveSodInput {
  current: HeldAccess;
  /** What the request adds. */
  requested: HeldAccess;
  /** What the request removes (a mover); absent for a joiner. */
  removed?: HeldAccess;
  rules: readonly SodRuleDef[];
}

/**
 * Request-time check on the access the identity would hold afterwards. Only conflicts the
 * request contributes to are reported (at least one matched item comes from `requested`): a
 * conflict the identity already carries is the detective report's business, and must not block
 * an unrelated request, e.g. a mover that only removes access.
 */
export function evaluateSodPreventive(input: PreventiveSodInput): SodFinding[] {
  const removedRoles = new Set(input.removed?.roles ?? []);
  const removedEnts = new Set((input.removed?.entitlements ?? []).map(entitlementId));
  const after: HeldAccess = {
    roles: [...input.current.roles.filter((r) => !removedRoles.has(r)), ...input.requested.roles],
    entitlements: [
      ...input.current.entitlements.filter((e) => !removedEnts.has(entitlementId(e))),
      ...input.requested.entitlements,
    ],
  };
  const reqRoles = new Set(input.requested.roles);
  const reqEnts = new Set(input.requested.entitlements.map(entitlementId));
  return evaluateSod(after, input.rules).filter((f) =>
    f.matched.some((m) => m.roles.some((r) => reqRoles.has(r)) || m.entitlements.some((e) => reqEnts.has(entitlementId(e)))),
  );
}

/** The strongest consequence of a set of findings: any `block` blocks; else dual approval if any. */
export function sodOutcome(findings: readonly SodFinding[]): 'allow' | SodAction {
  if (findings.some((f) => f.action === 'block')) return 'block';
  if (findings.length > 0) return 'require_dual_approval';
  return 'allow';
}

export interface IdentitySodFindings {
  identity: string;
  findings: SodFinding[];
}

/** Detective SoD over many identities (the report): only identities with findings, by key. */
export function evaluateSodDetective(
  identities: readonly { identity: string; access: HeldAccess }[],
  rules: readonly SodRuleDef[],
): IdentitySodFindings[] {
  return identities
    .map((i) => ({ identity: i.identity, findings: evaluateSod(i.access, rules) }))
    .filter((r) => r.findings.length > 0)
    .sort((a, b) => (a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0));
}
