/**
 * Messages of the leaver workflow, shared by the API and the workflow (dependency free apart
 * from @temporalio/workflow). Task completion arrives as `taskClosedSignal` from definitions.ts,
 * the same signal joiner and mover workflows receive.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export type LeaverReason = 'voluntary' | 'involuntary' | 'for_cause';

export interface AuditActorRef {
  type: 'identity' | 'client' | 'system';
  id: string;
  name: string;
}

export interface LeaverTiming {
  /** After a missed due time: reminder at due, the owners' managers one interval later, admins two. */
  escalationInterval: string;
  /** How often the workflow re-reads its open tasks (a lost signal only delays, never blocks). */
  reconcileInterval: string;
  /** startToClose of one ticket delivery attempt; the HTTP timeout is two thirds of it. */
  deliveryTimeout: string;
}

export interface LeaverWorkflowInput {
  requestId: string;
  identityKey: string;
  reason: LeaverReason;
  /** ISO-8601; for_cause leavers are effective at once whatever this says. */
  effectiveAt: string;
  justification: string | null;
  requester: AuditActorRef;
  timing: LeaverTiming;
}

export interface LeaverTaskState {
  taskId: string;
  system: string;
  channel: string;
  dueAt: string;
  status: 'open' | 'done' | 'cancelled';
  escalationLevel: number;
  delivered: boolean;
}

export type LeaverStatus = 'scheduled' | 'provisioning' | 'completed' | 'cancelled';

export interface LeaverState {
  requestId: string;
  identityKey: string;
  reason: LeaverReason;
  urgent: boolean;
  status: LeaverStatus;
  effectiveAt: string;
  tasks: LeaverTaskState[];
  outcome: string | null;
}

export interface CancelLeaverArgs {
  by: AuditActorRef;
  reason: string | null;
}

export interface BringForwardArgs {
  by: AuditActorRef;
  /** ISO-8601; must be earlier than the current effective time. Omitted: now. */
  effectiveAt: string | null;
}

export const leaverStateQuery = defineQuery<LeaverState>('leaverState');
export const cancelLeaverUpdate = defineUpdate<LeaverState, [CancelLeaverArgs]>('cancelLeaver');
export const bringForwardUpdate = defineUpdate<LeaverState, [BringForwardArgs]>('bringForwardLeaver');

export const leaverWorkflowId = (identityKey: string) => `leaver-${identityKey}`;

/** Escalation levels after a missed due time, in order. */
export const ESCALATION_LEVELS = ['reminder', 'owners_manager', 'admins'] as const;
