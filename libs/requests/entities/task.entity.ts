import { ArrayType, Entity, Enum, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { TaskAction, TaskStatus } from '../request.types';

/**
 * One downstream action on one system for one identity (grant or revoke entitlements), carried
 * out by the system's owners and attested by name. Shared by joiner, mover and leaver workflows:
 * `workflowId` is where its completion is signalled.
 */
@Entity({ tableName: 'task' })
@Unique({ properties: ['requestId', 'systemKey', 'action'] })
export class Task {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'uuid' })
  requestId: string;

  @Property({ type: 'text' })
  workflowId: string;

  /** The certification campaign whose revoke this task carries out (ADR 060); null for requests. */
  @Property({ type: 'text', nullable: true })
  campaignId: string | null = null;

  @Property({ type: 'text' })
  identityKey: string;

  @Property({ type: 'text' })
  systemKey: string;

  @Enum({ items: ['grant', 'revoke'], type: 'text' })
  action: TaskAction;

  @Property({ type: 'json' })
  entitlements: string[] = [];

  @Enum({ items: ['open', 'done', 'cancelled'], type: 'text' })
  status: TaskStatus = 'open';

  @Property({ type: 'Date', columnType: 'timestamptz' })
  dueAt: Date;

  @Property({ type: 'boolean' })
  urgent: boolean = false;

  /** The provisioning channel at the time the task was created: queue, webhook or email. */
  @Property({ type: 'text' })
  channel: string;

  @Property({ type: 'text', nullable: true })
  externalRef: string | null = null;

  @Property({ type: 'integer' })
  deliveryAttempts: number = 0;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  deliveredAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  completedBy: string | null = null;

  @Property({ type: 'text', nullable: true })
  completedByName: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Property({ type: 'integer' })
  escalationLevel: number = 0;

  /** Set when every owner of the system is the subject: who attests instead (never the subject). */
  @Property({ type: ArrayType, columnType: 'text[]' })
  fallbackAttesters: string[] = [];

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  constructor(init: {
    id: string;
    requestId: string;
    workflowId: string;
    identityKey: string;
    systemKey: string;
    action: TaskAction;
    entitlements: string[];
    dueAt: Date;
    channel: string;
    urgent?: boolean;
    campaignId?: string | null;
  }) {
    this.id = init.id;
    this.campaignId = init.campaignId ?? null;
    this.requestId = init.requestId;
    this.workflowId = init.workflowId;
    this.identityKey = init.identityKey;
    this.systemKey = init.systemKey;
    this.action = init.action;
    this.entitlements = init.entitlements;
    this.dueAt = init.dueAt;
    this.channel = init.channel;
    this.urgent = init.urgent ?? false;
  }
}
