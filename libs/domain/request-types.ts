/**
 * Plain data shapes of JML requests, shared by the API, the activities and the workflows (so:
 * no imports, no classes, JSON only).
 */
export type RequestKind = 'joiner' | 'mover' | 'leaver';
/** `provisioning`: a joiner's or mover's tasks are open; `deprovisioning`: a leaver's revoke tasks are. */
export type RequestStatus = 'scheduled' | 'pending_approval' | 'rejected' | 'provisioning' | 'deprovisioning' | 'completed' | 'cancelled';
export type ApprovalStepStatus = 'waiting' | 'pending' | 'approved' | 'rejected' | 'cancelled';
export type Decision = 'approve' | 'reject';
export type TaskAction = 'grant' | 'revoke';
export type TaskStatus = 'open' | 'done' | 'cancelled';

/** A role as requested: its key and the catalog version the request was made against. */
export interface RoleRef {
  role: string;
  version: number;
}

/** One task to create: one per system and action. */
export interface PlannedTask {
  system: string;
  action: TaskAction;
  entitlements: string[];
  channel: string;
  /** How long the owners have to carry it out, from creation. */
  dueInMs: number;
}

/** Org-chart changes that a mover applies at completion. */
export interface OrgChanges {
  department?: string | null;
  title?: string | null;
  manager?: string | null;
}
