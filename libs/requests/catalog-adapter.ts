import type { EntitlementRef } from '../domain/access';
import type { ApprovalPolicy } from '../domain/approval-policy';
import type { SodRuleDef } from '../domain/sod';
import type { CatalogPort, CatalogRoleVersion, CatalogSystem, HeldRole } from './catalog-port';
import type { RoleRef } from './request.types';

/**
 * The catalog port over the system of record's tables (issue 4's migration). Reads are plain SQL
 * so that they run inside whatever transaction the caller holds.
 */
export const sqlCatalog: CatalogPort = {
  async roleVersions(em, refs) {
    if (refs.length === 0) return [];
    const rows = await em.execute<
      { key: string; version: number; name: string; owner: string; entitlements: EntitlementRef[]; approval_policy: ApprovalPolicy }[]
    >(
      `SELECT rv.role_key AS key, rv.version, rv.name, rv.owner, rv.entitlements, rv.approval_policy
         FROM jsonb_to_recordset(?::jsonb) AS q(role text, version int)
         JOIN role r ON r.key = q.role
         JOIN role_version rv ON rv.role_key = r.key AND rv.version = COALESCE(q.version, r.latest_version)`,
      [JSON.stringify(refs.map((r) => ({ role: r.role, version: r.version ?? null })))],
    );
    return rows.map(
      (r): CatalogRoleVersion => ({
        key: r.key,
        version: r.version,
        name: r.name,
        owner: r.owner,
        active: true,
        entitlements: r.entitlements,
        approvalPolicy: r.approval_policy,
      }),
    );
  },

  async systems(em, keys) {
    if (keys.length === 0) return [];
    const rows = await em.execute<(Omit<CatalogSystem, 'deprovisionSlaHours' | 'entitlements'> & { deprovision_sla_hours: number; entitlements: CatalogSystem['entitlements'] })[]>(
      `SELECT s.key, s.name, s.owners, s.channel, s.target, s.deprovision_sla_hours,
              COALESCE((SELECT jsonb_agg(jsonb_build_object('key', e.key, 'name', e.name, 'privileged', e.privileged) ORDER BY e.key)
                          FROM entitlement e WHERE e.system_key = s.key), '[]'::jsonb) AS entitlements
         FROM target_system s WHERE s.key IN (SELECT jsonb_array_elements_text(?::jsonb))`,
      [JSON.stringify(keys)],
    );
    return rows.map((r) => ({
      key: r.key,
      name: r.name,
      owners: r.owners,
      channel: r.channel,
      target: r.target,
      deprovisionSlaHours: r.deprovision_sla_hours,
      entitlements: r.entitlements,
    }));
  },

  async sodRules(em) {
    return em.execute<SodRuleDef[]>(`SELECT key, name, severity, action, sets FROM sod_rule WHERE retired_at IS NULL ORDER BY key`);
  },

  async currentRoles(em, identityKey) {
    const rows = await em.execute<{ role: string; version: number; entitlements: EntitlementRef[] }[]>(
      `SELECT role_key AS role, role_version AS version, entitlements FROM access_assignment
        WHERE identity_key = ? AND status = 'active' ORDER BY role_key`,
      [identityKey],
    );
    return rows as HeldRole[];
  },

  async admins(em) {
    const rows = await em.execute<{ key: string }[]>(
      `SELECT a.identity_key AS key FROM app_role_assignment a JOIN identity i ON i.key = a.identity_key
        WHERE a.role = 'admin' AND i.status = 'active' ORDER BY 1`,
    );
    return rows.map((r) => r.key);
  },
};

export type { RoleRef };
