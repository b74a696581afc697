import type { EntitlementRef } from './access';

export const APPROVAL_STEP_KINDS = ['manager', 'role_owner', 'system_owner', 'identity', 'group'] as const;
export type ApprovalStepKind = (typeof APPROVAL_STEP_KINDS)[number];

/**
 * One step of a role's approval policy, as stored in a role version.
 * - `manager`: the subject's manager; `role_owner`: the role version's owner;
 * - `system_owner`: the owners of each system the role grants entitlements on (one step per system);
 * - `identity`: the named identity (`identity`);
 * - `group`: any member of an inline, named group (`group` label + `members`). Groups are inline in
 *   the immutable role version, so a version always says exactly who could approve.
 * `approvers` is how many DISTINCT people must approve the step (1 or 2).
 */
export interface ApprovalPolicyStep {
  kind: ApprovalStepKind;
  identity?: string | null;
  group?: string | null;
  members?: string[] | null;
  approvers?: number;
}

export interface ApprovalPolicy {
  steps: ApprovalPolicyStep[];
}

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** What routing needs to know about a role version. */
export interface RoleForRouting {
  key: string;
  version: number;
  owner: string;
  entitlements: EntitlementRef[];
  approvalPolicy: ApprovalPolicy;
}

/** A node of the org chart. Terminated people never approve. */
export interface OrgPerson {
  key: string;
  manager: string | null;
  status?: 'pending' | 'active' | 'terminated';
}
