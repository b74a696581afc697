import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import type { EntitlementRef } from '../../domain/access';
import type { SodFinding } from '../../domain/sod';
import type { PlannedTask, RequestKind, RequestStatus, RoleRef } from '../request.types';

/**
 * One JML request: what was asked (roles pinned to the catalog version they were requested
 * against, org changes), by whom, and where it stands. The workflow `workflowId` drives it; the
 * approval steps, decisions and tasks hang off its id.
 */
@Entity({ tableName: 'request' })
export class Request {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Enum({ items: ['joiner', 'mover', 'leaver'], type: 'text' })
  kind: RequestKind;

  @Enum({ items: ['scheduled', 'pending_approval', 'rejected', 'provisioning', 'deprovisioning', 'completed', 'cancelled'], type: 'text' })
  status: RequestStatus = 'pending_approval';

  @Property({ type: 'text' })
  identityKey: string;

  @Property({ type: 'text' })
  requesterType: 'identity' | 'client' | 'system';

  @Property({ type: 'text' })
  requesterId: string;

  @Property({ type: 'text' })
  requesterName: string;

  @Property({ type: 'text', nullable: true })
  justification: string | null = null;

  /** Roles to grant (joiner: all of them; mover: the added ones), with the version requested. */
  @Property({ type: 'json' })
  roles: RoleRef[] = [];

  /** Roles to remove (mover). */
  @Property({ type: 'json' })
  removeRoles: RoleRef[] = [];

  /** Mover org changes (department, title, manager); leaver reason and options. */
  @Property({ type: 'json' })
  changes: Record<string, unknown> = {};

  /** The access diff, and the tasks planned from it (fixed when the request is planned). */
  @Property({ type: 'json' })
  diff: { add: EntitlementRef[]; remove: EntitlementRef[]; tasks?: PlannedTask[] } = { add: [], remove: [] };

  @Property({ type: 'json' })
  sodFindings: SodFinding[] = [];

  /** Why it ended as it did (rejection or cancellation reason), null while open. */
  @Property({ type: 'text', nullable: true })
  outcome: string | null = null;

  @Property({ type: 'text', unique: true })
  workflowId: string;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  effectiveAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  constructor(
    id: string,
    kind: RequestKind,
    identityKey: string,
    requester: { type: 'identity' | 'client' | 'system'; id: string; name: string },
    workflowId: string,
  ) {
    this.id = id;
    this.kind = kind;
    this.identityKey = identityKey;
    this.requesterType = requester.type;
    this.requesterId = requester.id;
    this.requesterName = requester.name;
    this.workflowId = workflowId;
  }
}
