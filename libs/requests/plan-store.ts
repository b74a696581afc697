import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditActor, AuditEventInput } from '../audit/ledger';
import type { PlannedApprovalStep } from '../domain/approval-routing';
import { planRequest } from '../domain/request-plan';
import type { PlannedTask } from '../domain/request-types';
import { durationToMs } from '../domain/sla';
import { Identity } from '../identity/identity.entity';
import type { CatalogPort, CatalogRoleVersion } from './catalog-port';
import { ApprovalStep } from './entities/approval.entity';
import type { Request } from './entities/request.entity';
import { requestEvent } from './request-event';

/** A request's plan as the workflow runs it: its outcome, approval steps and tasks. */
export interface PlanResult {
  outcome: 'ok' | 'blocked' | 'closed';
  steps: { step: number; label: string; required: number; eligibleApprovers: string[] }[];
  tasks: PlannedTask[];
}

/** A plan derived from the catalog, not yet stored: the caller persists `stepRows` and appends `ledger`. */
export interface DerivedPlan extends PlanResult {
  /** True when step 1 is inserted already open (asked for, and the plan is not blocked). */
  firstStepOpen: boolean;
  stepRows: ApprovalStep[];
  /** `sod.evaluated`, `request.planned` and, when step 1 opens, its `approval.step_opened`, by `actor`. */
  ledger: AuditEventInput[];
}

/**
 * Reads the catalog once and derives a new request's plan: diff, SoD findings, approval steps and
 * tasks (libs/domain/request-plan.ts holds the rules). Sets `r.diff` and `r.sodFindings`; writes
 * nothing itself, so a caller can insert the steps with its other rows and write the ledger rows
 * last (the ledger's append lock, `pg_advisory_xact_lock`, is then held only through the commit).
 *
 * `actor`: who the ledger rows name (the API at intake, the worker for runs planned before it).
 * `subject`: the person the request is for (a joiner's identity may not be flushed yet).
 * `grantTaskDue`: how long system owners get for a grant task (config format, `2d`).
 * `openFirstDueAt` (ISO-8601 with offset): insert step 1 already open, due then, unless the
 * plan is blocked by an SoD rule. `known.addRoles`: the versions of `r.roles`, when the caller
 * has just read them (intake's validation), so they are not read twice.
 */
export async function derivePlan(
  tx: EntityManager, actor: AuditActor, r: Request, subject: Identity, catalog: CatalogPort, grantTaskDue: string, openFirstDueAt?: string,
  known: { addRoles?: CatalogRoleVersion[] } = {},
): Promise<DerivedPlan> {
  const currentRoles = r.kind === 'joiner' ? [] : await catalog.currentRoles(tx, r.identityKey);
  const addRoles = known.addRoles ?? (await catalog.roleVersions(tx, r.roles.map((x) => ({ role: x.role, version: x.version }))));
  const systemKeys = [...new Set([...currentRoles, ...addRoles].flatMap((x) => x.entitlements.map((e) => e.system)))];
  const systems = await catalog.systems(tx, systemKeys);
  const nominated = [subject.manager, r.requesterId, ...addRoles.map((x) => x.owner), ...systems.flatMap((s) => s.owners)];
  const org = await tx.find(Identity, { key: { $in: nominated.filter((k): k is string => !!k) } });
  const newManager = typeof r.changes.manager === 'string' ? r.changes.manager : undefined;
  const plan = planRequest({
    kind: r.kind === 'mover' ? 'mover' : 'joiner',
    // A mover's new manager approves the move; the current one otherwise.
    subject: { key: subject.key, manager: newManager ?? subject.manager },
    requester: r.requesterType === 'identity' ? r.requesterId : null,
    currentRoles,
    addRoles: addRoles.map((x) => ({ key: x.key, version: x.version, owner: x.owner, entitlements: x.entitlements, approvalPolicy: x.approvalPolicy })),
    removeRoles: r.removeRoles.map((x) => x.role),
    sodRules: await catalog.sodRules(tx),
    org: org.map((p) => ({ key: p.key, manager: p.manager, status: p.status })),
    systems,
    admins: await catalog.admins(tx),
    grantDueMs: durationToMs(grantTaskDue),
  });
  r.diff = { add: plan.diff.add, remove: plan.diff.remove, tasks: plan.tasks };
  r.sodFindings = plan.sodFindings;
  const stepRows = plan.steps.map((s) => toStepEntity(r.id, s));
  const first = openFirstDueAt && plan.sodOutcome !== 'block' ? stepRows[0] : undefined;
  if (first) Object.assign(first, { status: 'pending', openedAt: new Date(), dueAt: new Date(openFirstDueAt!) });
  const ledger = [
    requestEvent(actor, r, 'sod.evaluated', 'sod-evaluated', { findings: plan.sodFindings, outcome: plan.sodOutcome }),
    requestEvent(actor, r, 'request.planned', 'planned', {
      diff: plan.diff.bySystem,
      steps: plan.steps.map((s) => ({ step: s.step, label: s.label, required: s.required, eligibleApprovers: s.eligibleApprovers, escalation: s.escalation })),
      tasks: plan.tasks.map((t) => ({ system: t.system, action: t.action, entitlements: t.entitlements })),
    }),
    ...(first ? [stepOpenedEvent(actor, r, first, openFirstDueAt!)] : []),
  ];
  return {
    outcome: plan.sodOutcome === 'block' ? 'blocked' : 'ok',
    steps: plan.steps.map((s) => ({ step: s.step, label: s.label, required: s.required, eligibleApprovers: s.eligibleApprovers })),
    tasks: plan.tasks,
    firstStepOpen: !!first,
    stepRows,
    ledger,
  };
}

/** The ledger event of a step opened for decisions (`dueAt`: ISO-8601 with offset). */
export const stepOpenedEvent = (actor: AuditActor, r: Request, s: ApprovalStep, dueAt: string): AuditEventInput =>
  requestEvent(actor, r, 'approval.step_opened', `step:${s.step}:opened`, {
    step: s.step, label: s.label, required: s.required, eligibleApprovers: s.eligibleApprovers, dueAt,
  });

function toStepEntity(requestId: string, s: PlannedApprovalStep): ApprovalStep {
  const e = new ApprovalStep(randomUUID(), requestId, s.step, s.label, s.kind);
  e.required = s.required;
  e.eligibleApprovers = s.eligibleApprovers;
  return e;
}

/** The workflow's view of a stored step. */
export function stepView(s: ApprovalStep): PlanResult['steps'][number] {
  return { step: s.step, label: s.label, required: s.required, eligibleApprovers: s.eligibleApprovers };
}
