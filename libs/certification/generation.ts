import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntitlementRef } from '../domain/access';
import { itemFlags, resolveReviewer, type CampaignScopeType, type PersonState, type ReviewerKind, type Routing } from '../domain/certification';
import { evaluateSod, type SodRuleDef } from '../domain/sod';
import { sqlCatalog } from '../requests/catalog-adapter';

/**
 * Campaign generation: the snapshot of access at launch, one item per (access assignment,
 * system), planned in memory one batch of subjects at a time and written with one multi-row
 * INSERT per batch. The same planning feeds the pre-flight report, so what the dry run promises
 * is what generation does.
 */

export interface CampaignDef {
  id: string;
  scopeType: CampaignScopeType;
  scopeKey: string | null;
  reviewerKind: ReviewerKind;
  fallbackReviewer: string;
  /** ISO time the snapshot is taken at (flags such as granted_over_a_year_ago are relative to it). */
  launchedAt: string;
}

export interface CatalogLookups {
  privileged: Set<string>;
  systemOwners: Map<string, string[]>;
  roleOwners: Map<string, string>;
  sodRules: SodRuleDef[];
  admins: string[];
}

export interface Subject {
  key: string;
  name: string;
  manager: string | null;
}

export interface PlannedItem {
  id: string;
  assignmentId: string;
  identityKey: string;
  identityName: string;
  roleKey: string;
  roleVersion: number;
  systemKey: string;
  entitlements: string[];
  provenance: 'request' | 'imported';
  requestId: string | null;
  approvedBy: string[];
  grantedAt: string;
  flags: string[];
  /** Null when nobody at all could take it (the pre-flight refuses such a campaign). */
  reviewer: string | null;
  routing: Routing;
  passedOver: string[];
}

interface AssignmentRow {
  id: string;
  identity_key: string;
  role_key: string;
  role_version: number;
  entitlements: EntitlementRef[];
  provenance: 'request' | 'imported';
  request_id: string | null;
  approved_by: string[];
  granted_at: Date;
}

const keysParam = (keys: Iterable<string>) => JSON.stringify([...new Set(keys)]);
const entId = (system: string, entitlement: string) => `${system}\u0000${entitlement}`;

export async function loadLookups(em: EntityManager): Promise<CatalogLookups> {
  const [privileged, systems, roles, sodRules, admins] = await Promise.all([
    em.execute<{ system_key: string; key: string }[]>('SELECT system_key, key FROM entitlement WHERE privileged'),
    em.execute<{ key: string; owners: string[] }[]>('SELECT key, owners FROM target_system'),
    em.execute<{ key: string; owner: string }[]>(
      'SELECT r.key, rv.owner FROM role r JOIN role_version rv ON rv.role_key = r.key AND rv.version = r.latest_version'),
    sqlCatalog.sodRules(em),
    sqlCatalog.admins(em),
  ]);
  return {
    privileged: new Set(privileged.map((p) => entId(p.system_key, p.key))),
    systemOwners: new Map(systems.map((s) => [s.key, [...s.owners].sort()])),
    roleOwners: new Map(roles.map((r) => [r.key, r.owner])),
    sodRules,
    admins,
  };
}

/** The scope as a condition on identity `i` (active identities only), with its parameters. */
function scopeCondition(def: Pick<CampaignDef, 'scopeType' | 'scopeKey'>): { sql: string; params: unknown[] } {
  switch (def.scopeType) {
    case 'all':
      return { sql: 'TRUE', params: [] };
    case 'manager':
      return { sql: 'i.manager = ?', params: [def.scopeKey] };
    case 'role':
      return { sql: `EXISTS (SELECT 1 FROM access_assignment a WHERE a.identity_key = i.key AND a.status = 'active' AND a.role_key = ?)`, params: [def.scopeKey] };
    case 'system':
      return {
        sql: `EXISTS (SELECT 1 FROM access_assignment a WHERE a.identity_key = i.key AND a.status = 'active'
                 AND a.entitlements @> jsonb_build_array(jsonb_build_object('system', ?::text)))`,
        params: [def.scopeKey],
      };
  }
}

/** The next batch of subjects in scope, by identity key after `after`. */
export async function subjectBatch(em: EntityManager, def: CampaignDef, after: string | null, limit: number): Promise<Subject[]> {
  const scope = scopeCondition(def);
  return em.execute<Subject[]>(
    `SELECT i.key, i.name, i.manager FROM identity i
      WHERE i.status = 'active' AND ${scope.sql} ${after === null ? '' : 'AND i.key > ?'}
      ORDER BY i.key LIMIT ?`,
    [...scope.params, ...(after === null ? [] : [after]), limit],
  );
}

async function peopleStates(em: EntityManager, keys: Iterable<string>): Promise<Map<string, PersonState>> {
  const rows = await em.execute<PersonState[]>(
    'SELECT key, status, manager FROM identity WHERE key IN (SELECT jsonb_array_elements_text(?::jsonb))', [keysParam(keys)]);
  return new Map(rows.map((r) => [r.key, r]));
}

/** Plans the items of a batch of subjects: snapshot rows, context flags and reviewers. */
export async function planBatch(em: EntityManager, def: CampaignDef, lookups: CatalogLookups, subjects: Subject[]): Promise<PlannedItem[]> {
  if (subjects.length === 0) return [];
  const assignments = await em.execute<AssignmentRow[]>(
    `SELECT id, identity_key, role_key, role_version, entitlements, provenance, request_id, approved_by, granted_at
       FROM access_assignment WHERE status = 'active' AND identity_key IN (SELECT jsonb_array_elements_text(?::jsonb))
      ORDER BY identity_key, role_key`,
    [keysParam(subjects.map((s) => s.key))],
  );
  const byIdentity = new Map<string, AssignmentRow[]>();
  for (const a of assignments) byIdentity.set(a.identity_key, [...(byIdentity.get(a.identity_key) ?? []), a]);
  const candidateKeys = new Set<string>([def.fallbackReviewer, ...lookups.admins, ...lookups.roleOwners.values()]);
  for (const s of subjects) if (s.manager) candidateKeys.add(s.manager);
  for (const owners of lookups.systemOwners.values()) owners.forEach((o) => candidateKeys.add(o));
  const people = await peopleStates(em, candidateKeys);
  const lookup = (k: string) => people.get(k);
  const out: PlannedItem[] = [];
  for (const s of subjects) {
    const held = byIdentity.get(s.key) ?? [];
    const sodHits = sodMatches(held, lookups.sodRules);
    for (const a of held) {
      if (def.scopeType === 'role' && a.role_key !== def.scopeKey) continue;
      for (const [system, ents] of groupBySystem(a.entitlements)) {
        if (def.scopeType === 'system' && system !== def.scopeKey) continue;
        const candidates = def.reviewerKind === 'manager' ? [s.manager]
          : def.reviewerKind === 'system_owner' ? (lookups.systemOwners.get(system) ?? []) : [lookups.roleOwners.get(a.role_key) ?? null];
        const r = resolveReviewer({ subject: s.key, candidates, fallback: def.fallbackReviewer, people: lookup, admins: lookups.admins });
        const sod = sodHits.roles.has(a.role_key) || ents.some((e) => sodHits.entitlements.has(entId(system, e)));
        out.push({
          id: randomUUID(), assignmentId: a.id, identityKey: s.key, identityName: s.name, roleKey: a.role_key, roleVersion: a.role_version,
          systemKey: system, entitlements: ents, provenance: a.provenance, requestId: a.request_id, approvedBy: a.approved_by ?? [],
          grantedAt: new Date(a.granted_at).toISOString(),
          flags: itemFlags({ privileged: ents.some((e) => lookups.privileged.has(entId(system, e))), sod, provenance: a.provenance,
            requestId: a.request_id, grantedAt: a.granted_at, launchedAt: def.launchedAt }),
          reviewer: r.reviewer, routing: r.routing, passedOver: r.terminated,
        });
      }
    }
  }
  return out;
}

function groupBySystem(entitlements: EntitlementRef[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of entitlements) m.set(e.system, [...(m.get(e.system) ?? []), e.entitlement]);
  for (const [k, v] of m) m.set(k, [...new Set(v)].sort());
  return new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The roles and entitlements of one identity that take part in an SoD finding (detective). */
function sodMatches(held: AssignmentRow[], rules: SodRuleDef[]): { roles: Set<string>; entitlements: Set<string> } {
  const roles = new Set<string>();
  const entitlements = new Set<string>();
  if (rules.length === 0) return { roles, entitlements };
  const findings = evaluateSod({ roles: held.map((a) => a.role_key), entitlements: held.flatMap((a) => a.entitlements) }, rules);
  for (const f of findings) for (const m of f.matched) {
    m.roles.forEach((r) => roles.add(r));
    m.entitlements.forEach((e) => entitlements.add(entId(e.system, e.entitlement)));
  }
  return { roles, entitlements };
}

/**
 * Writes planned items (one statement) and their reviewers' rows. Idempotent: a retried batch
 * conflicts on (campaign, assignment, system) and adds nothing. Returns how many were new.
 */
export async function insertItems(tx: EntityManager, campaignId: string, items: PlannedItem[]): Promise<number> {
  if (items.length === 0) return 0;
  const unroutable = items.filter((i) => i.reviewer === null);
  // Never silently nowhere: the pre-flight refuses such a campaign; if the org changed since, fail loudly.
  if (unroutable.length > 0) throw new Error(`no reviewer for ${unroutable.length} items (first: ${unroutable[0].identityKey}/${unroutable[0].roleKey})`);
  const rows = items.map((i) => ({
    id: i.id, assignment_id: i.assignmentId, identity_key: i.identityKey, identity_name: i.identityName, role_key: i.roleKey,
    role_version: i.roleVersion, system_key: i.systemKey, entitlements: i.entitlements, provenance: i.provenance, request_id: i.requestId,
    approved_by: i.approvedBy, granted_at: i.grantedAt, flags: i.flags, reviewer: i.reviewer, routing: i.routing,
  }));
  const inserted = await tx.execute<{ n: number }[]>(
    `WITH ins AS (
       INSERT INTO certification_item (id, campaign_id, assignment_id, identity_key, identity_name, role_key, role_version, system_key,
              entitlements, provenance, request_id, approved_by, granted_at, flags, original_reviewer, reviewer, routing)
       SELECT x.id, ?, x.assignment_id, x.identity_key, x.identity_name, x.role_key, x.role_version, x.system_key, x.entitlements,
              x.provenance, x.request_id, x.approved_by, x.granted_at, x.flags, x.reviewer, x.reviewer, x.routing
         FROM jsonb_to_recordset(?::jsonb) AS x(id uuid, assignment_id uuid, identity_key text, identity_name text, role_key text,
              role_version int, system_key text, entitlements jsonb, provenance text, request_id uuid, approved_by text[],
              granted_at timestamptz, flags text[], reviewer text, routing text)
       ON CONFLICT (campaign_id, assignment_id, system_key) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [campaignId, JSON.stringify(rows)],
  );
  await tx.execute(
    `INSERT INTO certification_reviewer (campaign_id, reviewer)
     SELECT ?, r FROM jsonb_array_elements_text(?::jsonb) AS r ON CONFLICT DO NOTHING`,
    [campaignId, keysParam(rows.map((r) => r.reviewer as string))],
  );
  return inserted[0]?.n ?? 0;
}
