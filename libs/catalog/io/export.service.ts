import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApprovalPolicy, EntitlementRef, SodSet } from '../../domain';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleEntity } from './bundle';
import { formatCsv } from '../../csv/csv';

/** The versioned export bundle (`docs/catalog-export.md`); it imports back unchanged. */
export interface CatalogBundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  exportedAt: string;
  systems: { key: string; name: string; owners: string[]; channel: string; target: string | null; deprovisionSlaHours: number; entitlements: { key: string; name: string; privileged: boolean }[] }[];
  roles: { key: string; version: number; name: string; description: string; owner: string; risk: string; entitlements: EntitlementRef[]; approvalPolicy: ApprovalPolicy }[];
  sodRules: { key: string; name: string; description: string; severity: string; action: string; sets: SodSet[] }[];
  identities: { key: string; username: string; email: string | null; name: string; department: string | null; title: string | null; manager: string | null; status: string; startDate: string | null; endDate: string | null }[];
  access: { identity: string; role: string; roleVersion: number; grantedAt: string; provenance: string; requestId: string | null; approvedBy: string[]; approvedAt: string | null }[];
}

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());

/** Everything current, in a stable order (by key; access by identity then role). */
export async function exportCatalog(em: EntityManager): Promise<CatalogBundle> {
  const q = <T>(sql: string) => em.execute<T[]>(sql, [], 'all');
  const systems = await q<{ key: string; name: string; owners: string[]; channel: string; target: string | null; sla: number; entitlements: { key: string; name: string; privileged: boolean }[] }>(
    `SELECT s.key, s.name, s.owners, s.channel, s.target, s.deprovision_sla_hours AS sla,
            coalesce((SELECT jsonb_agg(jsonb_build_object('key', e.key, 'name', e.name, 'privileged', e.privileged) ORDER BY e.key COLLATE "C")
                        FROM entitlement e WHERE e.system_key = s.key), '[]'::jsonb) AS entitlements
       FROM target_system s ORDER BY s.key COLLATE "C"`,
  );
  const roles = await q<{ key: string; version: number; name: string; description: string; owner: string; risk: string; entitlements: EntitlementRef[]; approval_policy: ApprovalPolicy }>(
    `SELECT r.key, v.version, v.name, v.description, v.owner, v.risk, v.entitlements, v.approval_policy
       FROM role r JOIN role_version v ON v.role_key = r.key AND v.version = r.latest_version ORDER BY r.key COLLATE "C"`,
  );
  const rules = await q<CatalogBundle['sodRules'][number]>(
    `SELECT key, name, description, severity, action, sets FROM sod_rule WHERE retired_at IS NULL ORDER BY key COLLATE "C"`,
  );
  const identities = await q<CatalogBundle['identities'][number]>(
    `SELECT key, username, email, name, department, title, manager, status,
            to_char(start_date, 'YYYY-MM-DD') AS "startDate", to_char(end_date, 'YYYY-MM-DD') AS "endDate"
       FROM identity ORDER BY key COLLATE "C"`,
  );
  const access = await q<{ identity_key: string; role_key: string; role_version: number; granted_at: Date; provenance: string; request_id: string | null; approved_by: string[]; approved_at: Date | null }>(
    `SELECT identity_key, role_key, role_version, granted_at, provenance, request_id, approved_by, approved_at
       FROM access_assignment WHERE status = 'active' ORDER BY identity_key COLLATE "C", role_key COLLATE "C"`,
  );
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: new Date().toISOString(),
    systems: systems.map((s) => ({ key: s.key, name: s.name, owners: s.owners, channel: s.channel, target: s.target, deprovisionSlaHours: s.sla, entitlements: s.entitlements })),
    roles: roles.map((r) => ({ key: r.key, version: r.version, name: r.name, description: r.description, owner: r.owner, risk: r.risk, entitlements: r.entitlements, approvalPolicy: r.approval_policy })),
    sodRules: rules,
    identities,
    access: access.map((a) => ({
      identity: a.identity_key,
      role: a.role_key,
      roleVersion: a.role_version,
      grantedAt: iso(a.granted_at)!,
      provenance: a.provenance,
      requestId: a.request_id,
      approvedBy: a.approved_by ?? [],
      approvedAt: iso(a.approved_at),
    })),
  };
}

/** The same bundle as one CSV text per entity (the shape `POST /catalog/import` accepts as `{ csv }`). */
export function bundleToCsv(b: CatalogBundle): Record<BundleEntity, string> {
  const json = (v: unknown) => JSON.stringify(v);
  return {
    systems: formatCsv(['key', 'name', 'owners', 'channel', 'target', 'deprovisionSlaHours'], b.systems.map((s) => ({ ...s, owners: s.owners.join(';') }))),
    entitlements: formatCsv(['system', 'key', 'name', 'privileged'], b.systems.flatMap((s) => s.entitlements.map((e) => ({ system: s.key, ...e })))),
    roles: formatCsv(['key', 'version', 'name', 'description', 'owner', 'risk', 'entitlements', 'approvalPolicy'], b.roles.map((r) => ({ ...r, entitlements: json(r.entitlements), approvalPolicy: json(r.approvalPolicy) }))),
    sodRules: formatCsv(['key', 'name', 'description', 'severity', 'action', 'sets'], b.sodRules.map((r) => ({ ...r, sets: json(r.sets) }))),
    identities: formatCsv(['key', 'username', 'email', 'name', 'department', 'title', 'manager', 'status', 'startDate', 'endDate'], b.identities),
    access: formatCsv(['identity', 'role', 'roleVersion', 'grantedAt', 'provenance', 'requestId', 'approvedBy', 'approvedAt'], b.access.map((a) => ({ ...a, approvedBy: a.approvedBy.join(';') }))),
  };
}
