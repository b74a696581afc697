import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** An accepted helpdesk callback; its id can never be accepted again (replay protection). */
@Entity({ tableName: 'ticket_callback' })
export class TicketCallback {
  @PrimaryKey({ type: 'text' })
  callbackId: string;

  @Index()
  @Property({ type: 'uuid' })
  taskId: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  signedAt: Date;

  @Property({ type: 'text' })
  resolverName: string;

  @Property({ type: 'text', nullable: true })
  resolverEmail: string | null = null;

  @Property({ type: 'text', nullable: true })
  externalRef: string | null = null;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  receivedAt: Date = new Date();

  constructor(callbackId: string, taskId: string, signedAt: Date, resolverName: string) {
    this.callbackId = callbackId;
    this.taskId = taskId;
    this.signedAt = signedAt;
    this.resolverName = resolverName;
  }
}
