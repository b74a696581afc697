import { Entity, Enum, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { ApprovalStepStatus, Decision } from '../request.types';

/**
 * One step of a request's approval route. Steps are opened one at a time by the workflow;
 * `eligibleApprovers` grows when the step escalates to an approver's manager.
 */
@Entity({ tableName: 'approval_step' })
@Unique({ properties: ['requestId', 'step'] })
export class ApprovalStep {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'uuid' })
  requestId: string;

  @Property({ type: 'integer' })
  step: number;

  @Property({ type: 'text' })
  label: string;

  @Property({ type: 'text' })
  approverKind: string;

  /** Distinct approvals needed: 2 when an SoD rule demands dual approval. */
  @Property({ type: 'integer' })
  required: number = 1;

  @Property({ type: 'json' })
  eligibleApprovers: string[] = [];

  @Enum({ items: ['waiting', 'pending', 'approved', 'rejected', 'cancelled'], type: 'text' })
  status: ApprovalStepStatus = 'waiting';

  @Property({ type: 'integer' })
  escalationLevel: number = 0;

  @Property({ type: 'integer' })
  remindersSent: number = 0;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  openedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  dueAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  constructor(id: string, requestId: string, step: number, label: string, approverKind: string) {
    this.id = id;
    this.requestId = requestId;
    this.step = step;
    this.label = label;
    this.approverKind = approverKind;
  }
}

/** A named approver's decision on one step. One per approver and step (the database refuses a second). */
@Entity({ tableName: 'approval_decision' })
@Unique({ properties: ['requestId', 'step', 'approver'] })
export class ApprovalDecision {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'uuid' })
  requestId: string;

  @Property({ type: 'integer' })
  step: number;

  @Property({ type: 'text' })
  approver: string;

  @Property({ type: 'text' })
  approverName: string;

  @Enum({ items: ['approve', 'reject'], type: 'text' })
  decision: Decision;

  @Property({ type: 'text' })
  comment: string = '';

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  decidedAt: Date = new Date();

  constructor(id: string, requestId: string, step: number, approver: { id: string; name: string }, decision: Decision) {
    this.id = id;
    this.requestId = requestId;
    this.step = step;
    this.approver = approver.id;
    this.approverName = approver.name;
    this.decision = decision;
  }
}
