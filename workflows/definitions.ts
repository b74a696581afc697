/**
 * Messages shared by the clients (API, outbox relay, tests) and every request workflow (joiner,
 * mover, leaver). Dependency free apart from @temporalio/workflow, so both sides import the same
 * objects and never send bare strings.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ApprovalStepStatus, PlannedTask, RequestKind, RequestStatus, TaskAction, TaskStatus } from '../libs/domain/request-types';
import type { TaskTiming } from '../libs/domain/task-deadlines';
import type { SupervisedTask } from './task-supervision';

/** Durations in the config's format (`30s`, `15m`, `2d`). Passed as input so tests run in seconds. */
export interface RequestTiming {
  approvalSla: string;
  approvalReminder: string;
  /** How long system owners have to carry out a grant task. */
  taskDue: string;
  taskReminderBeforeDue: string;
  /** Escalations per approval step before the workflow only waits. */
  maxEscalations: number;
}

export type { TaskTiming } from '../libs/domain/task-deadlines';

/**
 * The flow version every joiner, mover and leaver start carries since ADR 179 (set by the API's
 * intake, `flowVersion` of the workflow input, kept across continue-as-new).
 *
 * A run that carries it takes every path its version includes without consulting a patch
 * marker. In Temporal SDK 1.24 each `patched()` first used by a new workflow records a marker
 * event and upserts the `TemporalChangeVersion` search attribute (one visibility write), for
 * every workflow and every patch, although a new workflow can only ever take the new path. A
 * history without `flowVersion` replays through `patched()` exactly as it ran.
 *
 * A later change to a running flow bumps this number and guards its new path with
 * `takesPatch(input, 'its-patch-id', newVersion)`: runs started with an older version consult
 * the marker, as before.
 */
export const FLOW_VERSION = 1;

export interface RequestWorkflowInput {
  requestId: string;
  kind: Extract<RequestKind, 'joiner' | 'mover'>;
  identityKey: string;
  timing: RequestTiming;
  /** Absent in executions started before the one task path: derived from `timing` then. */
  taskTiming?: TaskTiming;
  /** The flow version the API started it with (workflows/flow-version.ts, ADR 179); absent before it. */
  flowVersion?: number;
  /**
   * The plan fixed by the API in the request's own transaction (ADR 181): the workflow starts
   * from it and asks nothing of the database before its approvers decide. Absent in runs started
   * before ADR 181, which plan in a local activity (ADR 123).
   */
  plan?: IntakePlan;
  /** Set when the workflow continued as new while waiting for attestations (phase provisioning). */
  resume?: RequestWorkflowState;
}

/** A joiner's or mover's plan as committed at intake (ADR 181). */
export interface IntakePlan {
  /** `blocked`: an SoD rule blocks the request, and the workflow rejects it. */
  outcome: 'ok' | 'blocked';
  steps: { step: number; label: string; required: number; eligibleApprovers: string[] }[];
  tasks: PlannedTask[];
  /** Step 1 was inserted already open (false: blocked, or no approval is needed). */
  firstStepOpen: boolean;
  /** Step 1's approval deadline, ISO-8601 with offset: intake time plus the approval SLA. */
  firstStepDueAt: string;
}

/**
 * A decision the API has committed (with its audit event). `stepStatus` is the step's status
 * after it, decided by the API under the request's row lock: the database is the authority and
 * the workflow follows. The workflow ignores a decision id it has already seen.
 */
export interface DecisionSignal {
  decisionId: string;
  step: number;
  approver: string;
  decision: 'approve' | 'reject';
  stepStatus: ApprovalStepStatus;
}

/** A task closed in the database (attested done, or cancelled). Dedup by task id. */
export interface TaskClosedSignal {
  taskId: string;
  status: Exclude<TaskStatus, 'open'>;
  by: string | null;
}

/** The request was cancelled in the database by an authorised person. */
export interface RequestCancelledSignal {
  by: string;
  reason: string | null;
}

export const decisionSignal = defineSignal<[DecisionSignal]>('decision');
export const taskClosedSignal = defineSignal<[TaskClosedSignal]>('taskClosed');
export const requestCancelledSignal = defineSignal<[RequestCancelledSignal]>('requestCancelled');

export interface WorkflowStepState {
  step: number;
  label: string;
  required: number;
  eligibleApprovers: string[];
  status: ApprovalStepStatus;
  escalationLevel: number;
  remindersSent: number;
}

export interface WorkflowTaskState {
  taskId: string;
  system: string;
  action: TaskAction;
  status: TaskStatus;
  dueAt: string;
  reminded: boolean;
  escalationLevel: number;
}

/** The live state of a request workflow, as the `state` query returns it. Plain JSON. */
export interface RequestWorkflowState {
  requestId: string;
  kind: RequestKind;
  identityKey: string;
  status: RequestStatus;
  phase: 'planning' | 'approval' | 'provisioning' | 'closed';
  currentStep: number | null;
  steps: WorkflowStepState[];
  decisionIds: string[];
  tasks: WorkflowTaskState[];
  outcome: string | null;
}

export const requestStateQuery = defineQuery<RequestWorkflowState>('state');

export const requestWorkflowId = (kind: RequestKind, requestId: string) => `${kind}-${requestId}`;

// ---- Leaver ---------------------------------------------------------------------------------

export type LeaverReason = 'voluntary' | 'involuntary' | 'for_cause';

/**
 * The request row (with `request.created`) is written by the API's intake before the workflow
 * starts; the input only repeats what the workflow needs to run.
 */
export interface LeaverWorkflowInput {
  requestId: string;
  identityKey: string;
  reason: LeaverReason;
  /** ISO-8601; for_cause leavers are effective at once whatever this says. */
  effectiveAt: string;
  timing: TaskTiming;
  /** The flow version the API started it with (workflows/flow-version.ts, ADR 179); absent before it. */
  flowVersion?: number;
  /** Set when the workflow continued as new while waiting for attestations. */
  resume?: LeaverState;
}

/** `deprovisioning`: effective, revoke tasks open with the system owners. */
export type LeaverStatus = 'scheduled' | 'deprovisioning' | 'completed' | 'cancelled';

export interface LeaverState {
  requestId: string;
  identityKey: string;
  reason: LeaverReason;
  urgent: boolean;
  status: LeaverStatus;
  effectiveAt: string;
  tasks: SupervisedTask[];
  outcome: string | null;
}

/** HR brought a scheduled leaver forward; the API committed it (with its audit event) first. */
export interface LeaverRescheduledSignal {
  effectiveAt: string;
}

export const leaverStateQuery = defineQuery<LeaverState>('leaverState');
export const leaverRescheduledSignal = defineSignal<[LeaverRescheduledSignal]>('leaverRescheduled');

export const leaverWorkflowId = (identityKey: string) => `leaver-${identityKey}`;
