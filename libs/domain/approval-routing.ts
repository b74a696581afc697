import { systemsOf } from './access';
import type { ApprovalPolicyStep, ApprovalStepKind, OrgPerson, RoleForRouting } from './approval-policy';

export interface RoutingInput {
  /** The person the access is for; `manager` is given explicitly because a joiner is not on the chart yet. */
  subject: { key: string; manager: string | null };
  /** Who asked (identity key), or null for an integration client. */
  requester: string | null;
  roles: RoleForRouting[];
  /** The people involved and their manager chains (a missing person counts as having no manager). */
  org: OrgPerson[];
  systemOwners: { system: string; owners: string[] }[];
  /** The tool's administrators: the last resort when a step would have nobody eligible. */
  admins: string[];
  /** Limit `system_owner` steps to these systems (a mover: the systems its diff touches). */
  affectedSystems?: string[];
  /** SoD `require_dual_approval`: every step then needs two distinct approvers. */
  dualApproval?: boolean;
}

export interface StepEscalation {
  reason: string;
  /** Where the eligible approvers came from instead. */
  via: 'manager_chain' | 'admins' | 'none';
}

export interface PlannedApprovalStep {
  step: number;
  kind: ApprovalStepKind;
  label: string;
  /** The roles whose policies asked for this step. */
  roles: string[];
  system: string | null;
  required: number;
  /** Whom the policy names, before excluding the subject, the requester and leavers. */
  nominated: string[];
  eligibleApprovers: string[];
  escalation: StepEscalation | null;
}

interface DraftStep {
  kind: ApprovalStepKind;
  label: string;
  roles: string[];
  system: string | null;
  required: number;
  nominated: string[];
}

const uniqSorted = (xs: readonly string[]) => [...new Set(xs)].sort();

function draftSteps(role: RoleForRouting, input: RoutingInput): DraftStep[] {
  const owners = (system: string) => input.systemOwners.find((s) => s.system === system)?.owners ?? [];
  const affected = input.affectedSystems ? new Set(input.affectedSystems) : null;
  const required = (s: ApprovalPolicyStep) => Math.max(s.approvers ?? 1, input.dualApproval ? 2 : 1);
  return role.approvalPolicy.steps.flatMap((s): DraftStep[] => {
    const base = { kind: s.kind, roles: [role.key], system: null, required: required(s) };
    switch (s.kind) {
      case 'manager':
        return [{ ...base, label: 'Manager', nominated: input.subject.manager ? [input.subject.manager] : [] }];
      case 'role_owner':
        return [{ ...base, label: `Owner of role ${role.key}`, nominated: [role.owner] }];
      case 'identity':
        return [{ ...base, label: `Named approver ${s.identity ?? ''}`.trim(), nominated: s.identity ? [s.identity] : [] }];
      case 'group':
        return [{ ...base, label: `Group ${s.group ?? ''}`.trim(), nominated: uniqSorted(s.members ?? []) }];
      case 'system_owner':
        return systemsOf(role.entitlements)
          .filter((system) => !affected || affected.has(system))
          .map((system) => ({ ...base, label: `Owner of system ${system}`, system, nominated: uniqSorted(owners(system)) }));
    }
  });
}

/** Steps asking the same people the same question are merged, keeping the first position. */
function mergeSteps(drafts: DraftStep[]): DraftStep[] {
  const out: DraftStep[] = [];
  for (const d of drafts) {
    const same = out.find((o) => o.kind === d.kind && o.system === d.system && o.nominated.join(',') === d.nominated.join(','));
    if (same) {
      same.roles = uniqSorted([...same.roles, ...d.roles]);
      same.required = Math.max(same.required, d.required);
    } else out.push({ ...d, roles: [...d.roles], nominated: [...d.nominated] });
  }
  return out;
}

/**
 * Resolves the approval steps of a request from the roles' policies and the org chart.
 *
 * Nobody approves access for themselves or their own request: the subject and the requester are
 * never eligible, nor are terminated people. A step left with fewer eligible people than it needs
 * escalates up the management chain (starting above the first nominated person, or above the
 * subject when nobody was nominated), and when the chain runs out, to the administrators. A step
 * that still cannot be staffed keeps its short list and says so (`via: 'none'`); the workflow
 * must not let it pass.
 */
export function routeApprovals(input: RoutingInput): PlannedApprovalStep[] {
  const people = new Map(input.org.map((p) => [p.key, p]));
  const excluded = new Set([input.subject.key, ...(input.requester ? [input.requester] : [])]);
  const canApprove = (k: string) => !excluded.has(k) && people.get(k)?.status !== 'terminated';
  const managerOf = (k: string) => (k === input.subject.key ? input.subject.manager : people.get(k)?.manager ?? null);

  const steps = mergeSteps(input.roles.flatMap((r) => draftSteps(r, input)));
  return steps.map((d, i) => {
    const eligible = d.nominated.filter(canApprove);
    let escalation: StepEscalation | null = null;
    if (eligible.length < d.required) {
      const reason =
        d.nominated.length === 0
          ? 'nobody is nominated by the policy'
          : `${d.required - eligible.length} more eligible approver(s) needed: nominees are the subject, the requester or have left`;
      const visited = new Set<string>();
      let cursor = d.nominated.length === 0 ? input.subject.manager : managerOf(d.nominated[0]);
      let via: StepEscalation['via'] = 'none';
      while (cursor && !visited.has(cursor) && eligible.length < d.required) {
        visited.add(cursor);
        if (canApprove(cursor) && !eligible.includes(cursor)) {
          eligible.push(cursor);
          via = 'manager_chain';
        }
        cursor = managerOf(cursor);
      }
      if (eligible.length < d.required) {
        const admins = uniqSorted(input.admins).filter((a) => canApprove(a) && !eligible.includes(a));
        if (admins.length > 0) via = 'admins';
        eligible.push(...admins);
      }
      escalation = { reason, via: eligible.length >= d.required ? via : 'none' };
    }
    return {
      step: i + 1,
      kind: d.kind,
      label: d.label,
      roles: d.roles,
      system: d.system,
      required: d.required,
      nominated: d.nominated,
      eligibleApprovers: uniqSorted(eligible),
      escalation,
    };
  });
}

/** May this person decide on this step? (the API's 403 check mirrors the routing rule) */
export function isEligibleApprover(step: Pick<PlannedApprovalStep, 'eligibleApprovers'>, who: string, subject: string, requester: string | null): boolean {
  return who !== subject && who !== requester && step.eligibleApprovers.includes(who);
}
