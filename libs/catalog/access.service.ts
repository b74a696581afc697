import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { normaliseEntitlements, type EntitlementRef } from '../domain/access';
import { AccessAssignment } from './entities/access-assignment.entity';
import { RoleVersion } from './entities/role.entity';

/**
 * Access assignments for the workflows (joiner, mover, leaver, certification). Each function
 * works inside the caller's transaction and records NO audit event: the caller's activity owns
 * the idempotency key and records its event (e.g. `access.granted`) as the transaction's last write.
 * Every function is idempotent, so an activity retry changes nothing the second time.
 */

export interface RoleGrant {
  role: string;
  version: number;
}

export interface GrantProvenance {
  /** The request that granted the access (uuid of the `request` row). */
  requestId: string;
  /** Identity keys of everyone who approved it. */
  approvedBy: string[];
  approvedAt?: Date | string | null;
  /** Ids of the tasks that carried it out. */
  taskIds?: string[];
  grantedAt?: Date | string;
}

export interface AssignmentRecord {
  id: string;
  identity: string;
  role: string;
  roleVersion: number;
  entitlements: EntitlementRef[];
  provenance: 'request' | 'imported';
  requestId: string | null;
  approvedBy: string[];
  approvedAt: string | null;
  taskIds: string[];
  importBatchId: string | null;
  grantedAt: string;
  status: 'active' | 'revoked';
  revokedAt: string | null;
  revokedByRequest: string | null;
}

export function assignmentRecord(a: AccessAssignment): AssignmentRecord {
  return {
    id: a.id,
    identity: a.identityKey,
    role: a.roleKey,
    roleVersion: a.roleVersion,
    entitlements: a.entitlements.map((e) => ({ system: e.system, entitlement: e.entitlement })),
    provenance: a.provenance,
    requestId: a.requestId,
    approvedBy: [...a.approvedBy],
    approvedAt: a.approvedAt ? a.approvedAt.toISOString() : null,
    taskIds: [...a.taskIds],
    importBatchId: a.importBatchId,
    grantedAt: a.grantedAt.toISOString(),
    status: a.status,
    revokedAt: a.revokedAt ? a.revokedAt.toISOString() : null,
    revokedByRequest: a.revokedByRequest,
  };
}

function requireTransaction(em: EntityManager, fn: string): void {
  if (!em.isInTransaction()) throw new Error(`${fn} must run inside the transaction that records its audit event`);
}

/**
 * Records that the identity now holds these role versions, granted by a request. An active
 * assignment of the same role from the same request is kept (a retry); one from elsewhere or of
 * another version is superseded (revoked by this request) and replaced.
 * Returns the assignments now active for these roles.
 */
export async function grantAccess(
  tx: EntityManager,
  identityKey: string,
  grants: RoleGrant[],
  provenance: GrantProvenance,
): Promise<AssignmentRecord[]> {
  requireTransaction(tx, 'grantAccess');
  const out: AssignmentRecord[] = [];
  for (const g of grants) {
    const version = await tx.findOne(RoleVersion, { roleKey: g.role, version: g.version });
    if (!version) throw new Error(`unknown role version ${g.role} v${g.version}`);
    const existing = await tx.findOne(AccessAssignment, { identityKey, roleKey: g.role, status: 'active' });
    if (existing && existing.requestId === provenance.requestId && existing.roleVersion === g.version) {
      out.push(assignmentRecord(existing));
      continue;
    }
    if (existing) {
      existing.status = 'revoked';
      existing.revokedAt = new Date();
      existing.revokedByRequest = provenance.requestId;
      existing.revokeReason = 'superseded';
      await tx.flush();
    }
    const a = new AccessAssignment(randomUUID(), identityKey, g.role, g.version, 'request', provenance.grantedAt ? new Date(provenance.grantedAt) : new Date());
    a.entitlements = normaliseEntitlements(version.entitlements);
    a.requestId = provenance.requestId;
    a.approvedBy = [...new Set(provenance.approvedBy)];
    a.approvedAt = provenance.approvedAt ? new Date(provenance.approvedAt) : null;
    a.taskIds = [...new Set(provenance.taskIds ?? [])];
    tx.persist(a);
    await tx.flush();
    out.push(assignmentRecord(a));
  }
  return out;
}

export interface RevokeProvenance {
  /** The request that removed the access (mover, leaver) or null (e.g. a certification). */
  requestId: string | null;
  reason: string;
  revokedAt?: Date | string;
}

/** Ends the identity's active assignments of these roles. Returns what was revoked now (empty on a retry). */
export async function revokeAccess(
  tx: EntityManager,
  identityKey: string,
  roles: string[],
  provenance: RevokeProvenance,
): Promise<AssignmentRecord[]> {
  requireTransaction(tx, 'revokeAccess');
  if (roles.length === 0) return [];
  const active = await tx.find(AccessAssignment, { identityKey, roleKey: { $in: roles }, status: 'active' });
  return revokeRows(tx, active, provenance);
}

/** Ends every active assignment of the identity (a leaver). */
export async function revokeAllAccess(tx: EntityManager, identityKey: string, provenance: RevokeProvenance): Promise<AssignmentRecord[]> {
  requireTransaction(tx, 'revokeAllAccess');
  const active = await tx.find(AccessAssignment, { identityKey, status: 'active' });
  return revokeRows(tx, active, provenance);
}

/** Ends one assignment by id (a certification revoke). No-op if it is already revoked. */
export async function revokeAssignment(tx: EntityManager, assignmentId: string, provenance: RevokeProvenance): Promise<AssignmentRecord | null> {
  requireTransaction(tx, 'revokeAssignment');
  const a = await tx.findOne(AccessAssignment, { id: assignmentId, status: 'active' });
  return a ? (await revokeRows(tx, [a], provenance))[0] : null;
}

async function revokeRows(tx: EntityManager, rows: AccessAssignment[], p: RevokeProvenance): Promise<AssignmentRecord[]> {
  const at = p.revokedAt ? new Date(p.revokedAt) : new Date();
  for (const a of rows) {
    a.status = 'revoked';
    a.revokedAt = at;
    a.revokedByRequest = p.requestId;
    a.revokeReason = p.reason;
  }
  await tx.flush();
  return rows.map(assignmentRecord);
}

/** The identity's active assignments, oldest first. */
export async function currentAccess(em: EntityManager, identityKey: string): Promise<AssignmentRecord[]> {
  const rows = await em.find(AccessAssignment, { identityKey, status: 'active' }, { orderBy: { grantedAt: 'asc', roleKey: 'asc' } });
  return rows.map(assignmentRecord);
}

/** The roles the identity holds now, each with the entitlements it grants. */
export async function currentRoles(em: EntityManager, identityKey: string): Promise<{ role: string; version: number; entitlements: EntitlementRef[] }[]> {
  return (await currentAccess(em, identityKey)).map((a) => ({ role: a.role, version: a.roleVersion, entitlements: a.entitlements }));
}

/** Every entitlement the identity holds now (union over its assignments). */
export async function currentEntitlements(em: EntityManager, identityKey: string): Promise<EntitlementRef[]> {
  return normaliseEntitlements((await currentAccess(em, identityKey)).flatMap((a) => a.entitlements));
}

/** Per system: what the identity holds and through which assignments (a leaver's revoke tasks). */
export async function accessBySystem(
  em: EntityManager,
  identityKey: string,
): Promise<{ system: string; entitlements: string[]; assignmentIds: string[] }[]> {
  const access = await currentAccess(em, identityKey);
  const systems = [...new Set(access.flatMap((a) => a.entitlements.map((e) => e.system)))].sort();
  return systems.map((system) => {
    const holding = access.filter((a) => a.entitlements.some((e) => e.system === system));
    return {
      system,
      entitlements: [...new Set(holding.flatMap((a) => a.entitlements.filter((e) => e.system === system).map((e) => e.entitlement)))].sort(),
      assignmentIds: holding.map((a) => a.id),
    };
  });
}
