/**
 * Messages of the leaver workflow, shared by the API and the workflow (dependency free apart
 * from @temporalio/workflow). Task completion arrives as `taskClosedSignal` from definitions.ts,
 * the same signal joiner and mover workflows receive.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TaskTiming } from './definitions';
import type { SupervisedTask } from './task-supervision';

export type LeaverReason = 'voluntary' | 'involuntary' | 'for_cause';

export interface AuditActorRef {
  type: 'identity' | 'client' | 'system';
  id: string;
  name: string;
}


export interface LeaverWorkflowInput {
  requestId: string;
  identityKey: string;
  reason: LeaverReason;
  /** ISO-8601; for_cause leavers are effective at once whatever this says. */
  effectiveAt: string;
  justification: string | null;
  requester: AuditActorRef;
  timing: TaskTiming;
}

export type LeaverTaskState = SupervisedTask;

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
