import type { EntityManager } from '@mikro-orm/postgresql';
import { evaluateSodDetective, normaliseEntitlements, type EntitlementRef, type SodFinding } from '../domain';
import { activeSodRules } from './lookup.service';
import { cursorCodec, pageLimit, type Page, type PageQuery } from './pagination';

export interface AccessReportFilter extends PageQuery {
  identity?: string;
  role?: string;
  system?: string;
  provenance?: 'request' | 'imported';
  /** A past moment (ISO-8601): access held then, from the assignments' validity, instead of today's. */
  at?: string;
}

export interface AccessReportRow {
  identity: string;
  identityName: string;
  department: string | null;
  identityStatus: string;
  role: string;
  roleVersion: number;
  entitlements: EntitlementRef[];
  provenance: 'request' | 'imported';
  requestId: string | null;
  approvedBy: string[];
  approvedAt: string | null;
  importBatchId: string | null;
  grantedAt: string;
  /** When the assignment ended (after `at`), by which request and why; null while it is still held. */
  revokedAt: string | null;
  revokedByRequest: string | null;
  revokeReason: string | null;
}

const ACCESS_CURSOR = cursorCodec('reports/access', ['text', 'text']);
const SOD_CURSOR = cursorCodec('reports/sod', ['text']);

/**
 * Who has access to what, and why: every active assignment (or, with `at`, every assignment
 * granted at or before `at` and not revoked by then), ordered by identity then role.
 */
export async function accessReport(em: EntityManager, f: AccessReportFilter): Promise<Page<AccessReportRow> & { at: string | null }> {
  const limit = pageLimit(f.limit);
  const after = ACCESS_CURSOR.decode(f.cursor);
  const params: unknown[] = [];
  let where = `a.status = 'active'`;
  if (f.at) {
    where = 'a.granted_at <= ?::timestamptz AND (a.revoked_at IS NULL OR a.revoked_at > ?::timestamptz)';
    params.push(f.at, f.at);
  }
  if (after) {
    where += ` AND (a.identity_key, a.role_key) > (?, ?)`;
    params.push(after[0], after[1]);
  }
  if (f.identity) {
    where += ' AND a.identity_key = ?';
    params.push(f.identity);
  }
  if (f.role) {
    where += ' AND a.role_key = ?';
    params.push(f.role);
  }
  if (f.provenance) {
    where += ' AND a.provenance = ?';
    params.push(f.provenance);
  }
  if (f.system) {
    where += ` AND a.entitlements @> jsonb_build_array(jsonb_build_object('system', ?::text))`;
    params.push(f.system);
  }
  const rows = await em.execute<
    { identity_key: string; name: string; department: string | null; status: string; role_key: string; role_version: number; entitlements: EntitlementRef[]; provenance: 'request' | 'imported'; request_id: string | null; approved_by: string[]; approved_at: Date | null; import_batch_id: string | null; granted_at: Date; revoked_at: Date | null; revoked_by_request: string | null; revoke_reason: string | null }[]
  >(
    `SELECT a.identity_key, i.name, i.department, i.status, a.role_key, a.role_version, a.entitlements, a.provenance,
            a.request_id, a.approved_by, a.approved_at, a.import_batch_id, a.granted_at, a.revoked_at, a.revoked_by_request, a.revoke_reason
       FROM access_assignment a JOIN identity i ON i.key = a.identity_key
      WHERE ${where} ORDER BY a.identity_key, a.role_key LIMIT ${limit + 1}`,
    params,
    'all',
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());
  return {
    items: page.map((r) => ({
      identity: r.identity_key,
      identityName: r.name,
      department: r.department,
      identityStatus: r.status,
      role: r.role_key,
      roleVersion: r.role_version,
      entitlements: f.system ? r.entitlements.filter((e) => e.system === f.system) : r.entitlements,
      provenance: r.provenance,
      requestId: r.request_id,
      approvedBy: r.approved_by ?? [],
      approvedAt: iso(r.approved_at),
      importBatchId: r.import_batch_id,
      grantedAt: iso(r.granted_at)!,
      revokedAt: iso(r.revoked_at),
      revokedByRequest: r.revoked_by_request,
      revokeReason: r.revoke_reason,
    })),
    at: f.at ? new Date(f.at).toISOString() : null,
    nextCursor: more ? ACCESS_CURSOR.encode([page[page.length - 1].identity_key, page[page.length - 1].role_key]) : null,
  };
}

export interface SodReportRow {
  identity: string;
  name: string;
  findings: SodFinding[];
}

export interface SodReport extends Page<SodReportRow> {
  generatedAt: string;
  rulesEvaluated: number;
  identitiesEvaluated: number;
  identitiesInConflict: number;
}

/** Detective SoD: every identity whose current access violates a rule in force. */
export async function sodReport(em: EntityManager, q: PageQuery): Promise<SodReport> {
  const limit = pageLimit(q.limit);
  const after = SOD_CURSOR.decode(q.cursor)?.[0];
  const rules = await activeSodRules(em);
  const rows = await em.execute<{ identity_key: string; name: string; roles: string[]; entitlements: EntitlementRef[][] }[]>(
    `SELECT a.identity_key, i.name, array_agg(a.role_key ORDER BY a.role_key) AS roles, jsonb_agg(a.entitlements) AS entitlements
       FROM access_assignment a JOIN identity i ON i.key = a.identity_key
      WHERE a.status = 'active' GROUP BY a.identity_key, i.name ORDER BY a.identity_key`,
    [],
    'all',
  );
  const names = new Map(rows.map((r) => [r.identity_key, r.name]));
  const all = evaluateSodDetective(
    rows.map((r) => ({ identity: r.identity_key, access: { roles: r.roles, entitlements: normaliseEntitlements(r.entitlements.flat()) } })),
    rules,
  );
  // Paged in code-unit order, the same order the cursor comparison uses (not the database's collation).
  all.sort((a, b) => (a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0));
  const from = after ? all.filter((r) => r.identity > after) : all;
  const page = from.slice(0, limit);
  return {
    generatedAt: new Date().toISOString(),
    rulesEvaluated: rules.length,
    identitiesEvaluated: rows.length,
    identitiesInConflict: all.length,
    items: page.map((r) => ({ identity: r.identity, name: names.get(r.identity) ?? r.identity, findings: r.findings })),
    nextCursor: from.length > limit ? SOD_CURSOR.encode([page[page.length - 1].identity]) : null,
  };
}
