import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApprovalPolicy, EntitlementRef, OrgPerson, SodRuleDef } from '../domain';
import { managerCyclesAfter } from '../domain/org-chart';
import { Role, RoleVersion } from './entities/role.entity';
import { SodRule } from './entities/sod-rule.entity';
import { Entitlement, TargetSystem } from './entities/target-system.entity';
import { systemView, type SystemView } from './views';

/** Read-only look-ups for activities (plain JSON results; safe to hand to a workflow). */

export interface RoleVersionSnapshot {
  key: string;
  version: number;
  latestVersion: number;
  name: string;
  owner: string;
  risk: 'low' | 'medium' | 'high';
  /** Roles are never deleted; kept for callers that filter on it. */
  active: boolean;
  entitlements: EntitlementRef[];
  approvalPolicy: ApprovalPolicy;
}

/** Role versions by key (the latest when `version` is omitted). Unknown roles or versions are absent. */
export async function findRoleVersions(em: EntityManager, refs: { role: string; version?: number }[]): Promise<RoleVersionSnapshot[]> {
  if (refs.length === 0) return [];
  const roles = await em.find(Role, { key: { $in: [...new Set(refs.map((r) => r.role))] } });
  const latest = new Map(roles.map((r) => [r.key, r.latestVersion]));
  const wanted = refs.filter((r) => latest.has(r.role)).map((r) => ({ roleKey: r.role, version: r.version ?? latest.get(r.role)! }));
  if (wanted.length === 0) return [];
  const versions = await em.find(RoleVersion, { $or: wanted });
  return wanted.flatMap((w) => {
    const v = versions.find((x) => x.roleKey === w.roleKey && x.version === w.version);
    if (!v) return [];
    return [
      {
        key: v.roleKey,
        version: v.version,
        latestVersion: latest.get(v.roleKey)!,
        name: v.name,
        owner: v.owner,
        risk: v.risk,
        active: true,
        entitlements: v.entitlements.map((e) => ({ system: e.system, entitlement: e.entitlement })),
        approvalPolicy: v.approvalPolicy,
      },
    ];
  });
}

/** Target systems by key, with channel, target, SLA, owners and entitlements. */
export async function findSystems(em: EntityManager, keys: string[]): Promise<SystemView[]> {
  if (keys.length === 0) return [];
  const unique = [...new Set(keys)];
  // Sequential: `em` may be a transaction's (one connection).
  const systems = await em.find(TargetSystem, { key: { $in: unique } }, { orderBy: { key: 'asc' } });
  const ents = await em.find(Entitlement, { systemKey: { $in: unique } });
  return systems.map((s) => systemView(s, ents));
}

export function sodRuleDef(r: SodRule): SodRuleDef {
  return {
    key: r.key,
    name: r.name,
    severity: r.severity,
    action: r.action,
    sets: r.sets.map((s) => ({ label: s.label, roles: [...s.roles], entitlements: s.entitlements.map((e) => ({ ...e })) })),
  };
}

/** The SoD rules in force (not retired). */
export async function activeSodRules(em: EntityManager): Promise<SodRuleDef[]> {
  const rows = await em.find(SodRule, { retiredAt: null }, { orderBy: { key: 'asc' } });
  return rows.map(sodRuleDef);
}

/**
 * These people and everyone above them in the management chain: what approval routing needs
 * (`routeApprovals({ org })`) without loading the whole organisation.
 */
export async function orgChartFor(em: EntityManager, keys: string[]): Promise<OrgPerson[]> {
  if (keys.length === 0) return [];
  const rows = await em.execute<{ key: string; manager: string | null; status: OrgPerson['status'] }[]>(
    `WITH RECURSIVE chain AS (
       SELECT key, manager, status FROM identity WHERE key = ANY(?::text[])
       UNION
       SELECT i.key, i.manager, i.status FROM identity i JOIN chain c ON i.key = c.manager
     ) SELECT key, manager, status FROM chain ORDER BY key`,
    [`{${[...new Set(keys)].map((k) => `"${k.replace(/["\\]/g, '')}"`).join(',')}}`],
    'all',
  );
  return rows.map((r) => ({ key: r.key, manager: r.manager, status: r.status }));
}

/**
 * The manager-cycle rule against the database (one change): why giving `key` the manager
 * `manager` would close a loop in the org chart, or null. PUT /identities, movers and joiners.
 */
export async function managerCycleProblem(em: EntityManager, key: string, manager: string | null | undefined): Promise<string | null> {
  if (!manager) return null;
  const [cycle] = managerCyclesAfter(await orgChartFor(em, [manager]), new Map([[key, manager]]));
  return cycle ? `would make a cycle in the manager chain: ${cycle.join(' -> ')}` : null;
}
