import { ArrayType, Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import type { EntitlementRef } from '../../domain';

export type Provenance = 'request' | 'imported';
export type AssignmentStatus = 'active' | 'revoked';

/**
 * Who has access to what, and why: one identity holding one role version, the entitlements it
 * granted, and its provenance (the granting request, its approvers and tasks; or the import
 * batch that brought existing access in). Revoked assignments stay as history.
 */
@Entity({ tableName: 'access_assignment' })
export class AccessAssignment {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'text' })
  identityKey: string;

  @Property({ type: 'text' })
  roleKey: string;

  @Property({ type: 'integer' })
  roleVersion: number;

  @Property({ type: 'json' })
  entitlements: EntitlementRef[] = [];

  @Enum({ items: ['request', 'imported'], type: 'text' })
  provenance: Provenance;

  @Property({ type: 'uuid', nullable: true })
  requestId: string | null = null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  approvedBy: string[] = [];

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  approvedAt: Date | null = null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  taskIds: string[] = [];

  @Property({ type: 'uuid', nullable: true })
  importBatchId: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  grantedAt: Date;

  @Enum({ items: ['active', 'revoked'], type: 'text' })
  status: AssignmentStatus = 'active';

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  revokedByRequest: string | null = null;

  @Property({ type: 'text', nullable: true })
  revokeReason: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  constructor(id: string, identityKey: string, roleKey: string, roleVersion: number, provenance: Provenance, grantedAt: Date) {
    this.id = id;
    this.identityKey = identityKey;
    this.roleKey = roleKey;
    this.roleVersion = roleVersion;
    this.provenance = provenance;
    this.grantedAt = grantedAt;
  }
}

/** One catalog import: what it brought in (counts) and a digest of the bundle. */
@Entity({ tableName: 'import_batch' })
export class ImportBatch {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'text' })
  digest: string;

  @Property({ type: 'text' })
  actorId: string;

  @Property({ type: 'json' })
  counts: Record<string, unknown>;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  constructor(id: string, digest: string, actorId: string, counts: Record<string, unknown>) {
    this.id = id;
    this.digest = digest;
    this.actorId = actorId;
    this.counts = counts;
  }
}
