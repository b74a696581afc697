import { entitlementsOfRoles, type EntitlementRef } from './access';
import { diffAccess, type AccessDiff } from './access-diff';
import type { OrgPerson, RoleForRouting } from './approval-policy';
import { routeApprovals, type PlannedApprovalStep } from './approval-routing';
import { evaluateSodPreventive, sodOutcome, type SodFinding, type SodRuleDef } from './sod';
import type { PlannedTask, RequestKind, RoleRef } from './request-types';
import { DEFAULT_DEPROVISION_SLA_HOURS } from './sla';

/** Everything the plan of a joiner or mover depends on, read from the catalog in one go. */
export interface RequestPlanInput {
  kind: Extract<RequestKind, 'joiner' | 'mover'>;
  subject: { key: string; manager: string | null };
  requester: string | null;
  /** Roles held now (empty for a joiner), with their entitlements. */
  currentRoles: (RoleRef & { entitlements: EntitlementRef[] })[];
  /** Role versions to add, with policy and entitlements. */
  addRoles: RoleForRouting[];
  removeRoles: string[];
  sodRules: SodRuleDef[];
  org: OrgPerson[];
  systems: { key: string; owners: string[]; channel: string; deprovisionSlaHours: number | null }[];
  admins: string[];
  /** How long a grant task may take (config); revokes use the system's SLA. */
  grantDueMs: number;
}

export interface RequestPlan {
  diff: AccessDiff;
  sodFindings: SodFinding[];
  sodOutcome: 'allow' | 'block' | 'require_dual_approval';
  steps: PlannedApprovalStep[];
  tasks: PlannedTask[];
}

/**
 * The plan of a request: the access diff, the SoD findings on the access held afterwards, the
 * approval route and the tasks (one per system and action). Pure: the caller supplies the facts.
 */
export function planRequest(input: RequestPlanInput): RequestPlan {
  const removed = new Set(input.removeRoles);
  const kept = input.currentRoles.filter((r) => !removed.has(r.role));
  const current = entitlementsOfRoles(input.currentRoles);
  const target = entitlementsOfRoles([...kept, ...input.addRoles]);
  const diff = diffAccess(current, target);

  const sodFindings = evaluateSodPreventive({
    current: { roles: input.currentRoles.map((r) => r.role), entitlements: current },
    requested: { roles: input.addRoles.map((r) => r.key), entitlements: diff.add },
    removed: { roles: input.removeRoles, entitlements: diff.remove },
    rules: input.sodRules,
  });
  const outcome = sodOutcome(sodFindings);

  const steps = routeApprovals({
    subject: input.subject,
    requester: input.requester,
    roles: input.addRoles,
    org: input.org,
    systemOwners: input.systems.map((s) => ({ system: s.key, owners: s.owners })),
    admins: input.admins,
    affectedSystems: input.kind === 'mover' ? diff.bySystem.map((s) => s.system) : undefined,
    dualApproval: outcome === 'require_dual_approval',
  });

  // A mover that only removes access still needs someone to say yes: the subject's manager.
  if (steps.length === 0 && outcome !== 'block') {
    steps.push(...routeApprovals({
      subject: input.subject,
      requester: input.requester,
      roles: [{ key: '(removal)', version: 0, owner: '', entitlements: [], approvalPolicy: { steps: [{ kind: 'manager' }] } }],
      org: input.org,
      systemOwners: [],
      admins: input.admins,
      dualApproval: outcome === 'require_dual_approval',
    }).map((s) => ({ ...s, roles: [] })));
  }

  const systemOf = (key: string) => input.systems.find((s) => s.key === key);
  const tasks: PlannedTask[] = [];
  for (const s of diff.bySystem) {
    const sys = systemOf(s.system);
    const channel = sys?.channel ?? 'queue';
    if (s.add.length > 0) tasks.push({ system: s.system, action: 'grant', entitlements: s.add, channel, dueInMs: input.grantDueMs });
    if (s.remove.length > 0) {
      tasks.push({ system: s.system, action: 'revoke', entitlements: s.remove, channel, dueInMs: (sys?.deprovisionSlaHours ?? DEFAULT_DEPROVISION_SLA_HOURS) * 3_600_000 });
    }
  }
  return { diff, sodFindings, sodOutcome: outcome, steps, tasks };
}
