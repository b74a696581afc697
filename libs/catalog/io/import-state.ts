import type { EntityManager } from '@mikro-orm/postgresql';

/** What the database holds, loaded once per import (set-based: a handful of queries). */
export interface DbIdentity {
  key: string;
  username: string;
  email: string | null;
  name: string;
  department: string | null;
  title: string | null;
  manager: string | null;
  status: 'pending' | 'active' | 'terminated';
  start_date: string | null;
  end_date: string | null;
}

export interface DbSystem {
  key: string;
  name: string;
  owners: string[];
  channel: string;
  target: string | null;
  deprovision_sla_hours: number;
}

export interface DbState {
  identities: Map<string, DbIdentity>;
  systems: Map<string, DbSystem>;
  entitlements: Map<string, Map<string, { name: string; privileged: boolean }>>;
  /** Role key -> latest version, its content (canonical JSON), and every version number. */
  roles: Map<string, { latest: number; content: string; versions: Set<number> }>;
  sodRules: Map<string, { content: string; revision: number; retired: boolean }>;
  /** `identity \u0001 role` of every active assignment. */
  activeAccess: Set<string>;
}

export const accessKey = (identity: string, role: string) => `${identity}\u0001${role}`;

/**
 * JSON with sorted object keys, so equal content compares equal as text. What JSON cannot hold
 * (undefined: a POST without a body) is `null`, as JSON.stringify writes it inside an array, never
 * undefined (which made the import digest throw: a 500 found by schemathesis).
 */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

async function sequence<T extends readonly (() => Promise<unknown>)[]>(steps: T): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const out: unknown[] = [];
  for (const step of steps) out.push(await step());
  return out as { [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

export async function loadState(em: EntityManager): Promise<DbState> {
  const q = <T>(sql: string) => em.execute<T[]>(sql, [], 'all');
  // One after the other: the queries share the transaction's single connection.
  const [ids, systems, ents, roles, versions, rules, access] = await sequence([
    () => q<DbIdentity>(`SELECT key, username, email, name, department, title, manager, status,
                          to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date FROM identity`),
    () => q<DbSystem>(`SELECT key, name, owners, channel, target, deprovision_sla_hours FROM target_system`),
    () => q<{ system_key: string; key: string; name: string; privileged: boolean }>(`SELECT system_key, key, name, privileged FROM entitlement`),
    () => q<{ key: string; latest_version: number; name: string; description: string; owner: string; risk: string; entitlements: unknown; approval_policy: unknown }>(
      `SELECT r.key, r.latest_version, v.name, v.description, v.owner, v.risk, v.entitlements, v.approval_policy
         FROM role r JOIN role_version v ON v.role_key = r.key AND v.version = r.latest_version`,
    ),
    () => q<{ role_key: string; version: number }>(`SELECT role_key, version FROM role_version`),
    () => q<{ key: string; name: string; description: string; severity: string; action: string; sets: unknown; revision: number; retired: boolean }>(
      `SELECT key, name, description, severity, action, sets, revision, retired_at IS NOT NULL AS retired FROM sod_rule`,
    ),
    () => q<{ identity_key: string; role_key: string }>(`SELECT identity_key, role_key FROM access_assignment WHERE status = 'active'`),
  ] as const);
  const entitlements = new Map<string, Map<string, { name: string; privileged: boolean }>>();
  for (const e of ents) {
    if (!entitlements.has(e.system_key)) entitlements.set(e.system_key, new Map());
    entitlements.get(e.system_key)!.set(e.key, { name: e.name, privileged: e.privileged });
  }
  const versionSets = new Map<string, Set<number>>();
  for (const v of versions) {
    if (!versionSets.has(v.role_key)) versionSets.set(v.role_key, new Set());
    versionSets.get(v.role_key)!.add(v.version);
  }
  return {
    identities: new Map(ids.map((i) => [i.key, i])),
    systems: new Map(systems.map((s) => [s.key, s])),
    entitlements,
    roles: new Map(
      roles.map((r) => [
        r.key,
        {
          latest: r.latest_version,
          content: canonical({ name: r.name, description: r.description, owner: r.owner, risk: r.risk, entitlements: r.entitlements, approvalPolicy: r.approval_policy }),
          versions: versionSets.get(r.key) ?? new Set(),
        },
      ]),
    ),
    sodRules: new Map(
      rules.map((r) => [r.key, { content: canonical({ name: r.name, description: r.description, severity: r.severity, action: r.action, sets: r.sets }), revision: r.revision, retired: r.retired }]),
    ),
    activeAccess: new Set(access.map((a) => accessKey(a.identity_key, a.role_key))),
  };
}
