import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A workflow start or signal written in the same transaction as the state change that calls for
 * it, and delivered to Temporal after commit (at once, and by the relay until it succeeds).
 */
@Entity({ tableName: 'workflow_outbox' })
export class WorkflowOutbox {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Enum({ items: ['start', 'signal'], type: 'text' })
  kind: 'start' | 'signal';

  @Property({ type: 'text' })
  workflowId: string;

  @Property({ type: 'json' })
  payload: Record<string, unknown>;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  nextAttemptAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  deliveredAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  constructor(kind: 'start' | 'signal', workflowId: string, payload: Record<string, unknown>) {
    this.kind = kind;
    this.workflowId = workflowId;
    this.payload = payload;
  }
}
