import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, type AuditActor } from '../audit/ledger';
import { AccessAssignment } from '../catalog/entities/access-assignment.entity';
import { RoleVersion } from '../catalog/entities/role.entity';
import { normaliseEntitlements, type EntitlementRef } from '../domain/access';
import type { RoleRef } from '../domain/request-types';

/**
 * THE writer of `access_assignment`: every grant, revoke and import goes through here, and each
 * call appends its ledger row (`access.granted` / `access.revoked`) in the caller's transaction,
 * naming the request or campaign, the approvers, the tasks that carried it out and who attested
 * them. Callers: joiner and mover completion, leaver close, certification revokes, catalog import.
 *
 * Every function must run inside the transaction of the state change it belongs to, and is
 * idempotent: a retried activity changes nothing and the ledger keeps its first row (same key).
 */

/** A task that carried the change out on one system, and the owner who attested it. */
export interface AccessTaskRef {
  taskId: string;
  system: string;
  attestedBy: string | null;
}

/** Why access changes, and on whose word: the provenance that lands on the rows and the ledger. */
export interface AccessChange {
  actor: AuditActor;
  /** The request that carried the change (joiner, mover, leaver); null for a campaign revoke. */
  requestId: string | null;
  campaignId?: string | null;
  workflowId: string | null;
  /** Who approved it: the request's approvers, or the certification reviewer. */
  approvedBy: string[];
  approvedAt?: Date | string | null;
  tasks: AccessTaskRef[];
  /** Short reason kept on revoked rows and in the ledger: `leaver`, `mover`, `certification`... */
  reason: string;
  /** Ledger key of this change; the same on every retry. */
  idempotencyKey: string;
  /** When the access changed (default: now); an import or back-dated record names it. */
  at?: Date | string;
}

/** One assignment as the writer reports it (plain JSON). */
export interface AccessRecord {
  id: string;
  identity: string;
  role: string;
  roleVersion: number;
  entitlements: EntitlementRef[];
  provenance: 'request' | 'imported';
  requestId: string | null;
  approvedBy: string[];
  taskIds: string[];
  grantedAt: string;
  status: 'active' | 'revoked';
}

/** Which of an identity's active assignments a revoke ends. */
export type RevokeTarget = { roles: string[] } | { assignmentIds: string[] } | { all: true };

const record = (a: AccessAssignment): AccessRecord => ({
  id: a.id, identity: a.identityKey, role: a.roleKey, roleVersion: a.roleVersion,
  entitlements: a.entitlements.map((e) => ({ system: e.system, entitlement: e.entitlement })),
  provenance: a.provenance, requestId: a.requestId, approvedBy: [...a.approvedBy], taskIds: [...a.taskIds],
  grantedAt: a.grantedAt.toISOString(), status: a.status,
});

function requireTransaction(em: EntityManager, fn: string): void {
  if (!em.isInTransaction()) throw new Error(`${fn} must run inside the transaction that records its ledger row`);
}

/**
 * Records that the identity now holds these role versions. An active assignment of the same role
 * from the same request and version is kept (a retry); any other active one of that role is
 * superseded (revoked, reason `superseded`) and replaced. Returns the assignments now active.
 */
export async function grantAccess(tx: EntityManager, identityKey: string, roles: RoleRef[], change: AccessChange): Promise<AccessRecord[]> {
  requireTransaction(tx, 'grantAccess');
  if (!change.requestId) throw new Error('grantAccess needs the granting request');
  const out: AccessRecord[] = [];
  const superseded: string[] = [];
  for (const g of roles) {
    const version = await tx.findOne(RoleVersion, { roleKey: g.role, version: g.version });
    if (!version) throw new Error(`unknown role version ${g.role} v${g.version}`);
    const existing = await tx.findOne(AccessAssignment, { identityKey, roleKey: g.role, status: 'active' });
    if (existing && existing.requestId === change.requestId && existing.roleVersion === g.version) {
      out.push(record(existing));
      continue;
    }
    if (existing) {
      Object.assign(existing, { status: 'revoked', revokedAt: new Date(), revokedByRequest: change.requestId, revokeReason: 'superseded' });
      superseded.push(existing.id);
      await tx.flush();
    }
    const a = new AccessAssignment(randomUUID(), identityKey, g.role, g.version, 'request', change.at ? new Date(change.at) : new Date());
    a.entitlements = normaliseEntitlements(version.entitlements);
    a.requestId = change.requestId;
    a.approvedBy = [...new Set(change.approvedBy)];
    a.approvedAt = change.approvedAt ? new Date(change.approvedAt) : null;
    const systems = new Set(a.entitlements.map((e) => e.system));
    a.taskIds = [...new Set(change.tasks.filter((t) => systems.has(t.system)).map((t) => t.taskId))];
    tx.persist(a);
    await tx.flush();
    out.push(record(a));
  }
  if (out.length > 0) await ledger(tx, 'access.granted', identityKey, change, out, { superseded });
  return out;
}

/** Ends the identity's matching active assignments. Returns what this call revoked (empty on a retry). */
export async function revokeAccess(tx: EntityManager, identityKey: string, target: RevokeTarget, change: AccessChange): Promise<AccessRecord[]> {
  requireTransaction(tx, 'revokeAccess');
  const where =
    'all' in target ? {} : 'roles' in target ? { roleKey: { $in: target.roles } } : { id: { $in: target.assignmentIds } };
  if (!('all' in target) && ('roles' in target ? target.roles : target.assignmentIds).length === 0) return [];
  const rows = await tx.find(AccessAssignment, { identityKey, status: 'active', ...where }, { orderBy: { roleKey: 'asc' } });
  if (rows.length === 0) return [];
  const at = change.at ? new Date(change.at) : new Date();
  for (const a of rows) Object.assign(a, { status: 'revoked', revokedAt: at, revokedByRequest: change.requestId, revokeReason: change.reason });
  await tx.flush();
  const out = rows.map(record);
  await ledger(tx, 'access.revoked', identityKey, change, out, {});
  return out;
}

/** One imported assignment (existing access brought in by a catalog import). */
export interface ImportedAccess {
  identity: string;
  role: string;
  version: number;
  grantedAt?: string | null;
}

const IMPORT_CHUNK = 5000;

/**
 * Imports existing access set-based (80,000 rows take a few statements) and writes ONE
 * `access.granted` row for the batch: imported access has no request or approver to name, and a
 * row per assignment would dwarf the ledger. The batch id links each assignment to that row.
 */
export async function importAccess(tx: EntityManager, rows: ImportedAccess[], batchId: string, actor: AuditActor): Promise<number> {
  requireTransaction(tx, 'importAccess');
  if (rows.length === 0) return 0;
  for (let i = 0; i < rows.length; i += IMPORT_CHUNK) {
    const chunk = rows.slice(i, i + IMPORT_CHUNK);
    const [{ n }] = await tx.execute<{ n: number }[]>(
      `WITH ins AS (
         INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
         SELECT x.identity, x.role, x.version, v.entitlements, 'imported', ?::uuid, coalesce(x."grantedAt", now())
           FROM jsonb_to_recordset(?::jsonb) AS x(identity text, role text, version int, "grantedAt" timestamptz)
           JOIN role_version v ON v.role_key = x.role AND v.version = x.version
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [batchId, JSON.stringify(chunk)],
      'all',
    );
    if (n !== chunk.length) throw new Error(`import: ${chunk.length - n} access rows lost their role version`);
  }
  await recordAuditEvent(tx, {
    actor, action: 'access.granted', subject: { type: 'import_batch', id: batchId },
    details: { provenance: 'imported', importBatchId: batchId, assignments: rows.length, identities: new Set(rows.map((r) => r.identity)).size },
    idempotencyKey: `access:import:${batchId}`,
  });
  return rows.length;
}

async function ledger(tx: EntityManager, action: string, identityKey: string, c: AccessChange, rows: AccessRecord[], extra: Record<string, unknown>) {
  await recordAuditEvent(tx, {
    actor: c.actor, action, subject: { type: 'identity', id: identityKey },
    requestId: c.requestId, campaignId: c.campaignId ?? null, workflowId: c.workflowId,
    details: {
      identity: identityKey, reason: c.reason,
      assignments: rows.map((r) => ({ id: r.id, role: r.role, roleVersion: r.roleVersion, entitlements: r.entitlements })),
      approvedBy: [...new Set(c.approvedBy)].sort(),
      attestedBy: [...new Set(c.tasks.map((t) => t.attestedBy).filter((x): x is string => !!x))].sort(),
      tasks: c.tasks,
      ...extra,
    },
    idempotencyKey: c.idempotencyKey,
  });
}

/** The identity's active assignments, oldest first (reads need no transaction). */
export async function currentAccess(em: EntityManager, identityKey: string): Promise<AccessRecord[]> {
  const rows = await em.find(AccessAssignment, { identityKey, status: 'active' }, { orderBy: { grantedAt: 'asc', roleKey: 'asc' } });
  return rows.map(record);
}
