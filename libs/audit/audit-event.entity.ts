import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Read model of the ledger. Rows are written only by `recordAuditEvent` (raw INSERT, so that the
 * database trigger assigns seq, time and hashes); the ORM never updates or deletes them.
 */
@Entity({ tableName: 'audit_event', readonly: true })
export class AuditEventEntity {
  @PrimaryKey({ type: 'bigint' })
  seq!: string;

  @Property({ type: 'uuid' })
  id!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  occurredAt!: Date;

  @Property({ type: 'text' })
  actorType!: 'identity' | 'client' | 'system';

  @Property({ type: 'text' })
  actorId!: string;

  @Property({ type: 'text' })
  actorName!: string;

  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'text' })
  subjectType!: string;

  @Property({ type: 'text' })
  subjectId!: string;

  @Property({ type: 'text', nullable: true })
  requestId?: string | null;

  @Property({ type: 'text', nullable: true })
  campaignId?: string | null;

  @Property({ type: 'text', nullable: true })
  workflowId?: string | null;

  @Property({ type: 'json' })
  details!: Record<string, unknown>;

  @Property({ type: 'text' })
  idempotencyKey!: string;

  @Property({ type: 'text' })
  prevHash!: string;

  @Property({ type: 'text' })
  hash!: string;
}
