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

/** A request's plan as the workflow runs it: its outcome, approval steps and tasks. */
export interface PlanResult {
  outcome: 'ok' | 'blocked' | 'closed';
  steps: { step: number; label: string; required: number; eligibleApprovers: string[] }[];
  tasks: PlannedTask[];
}

/** One ledger row a plan writes, keyed `request:<id>:<key>` (the same on every retry). */
export interface PlanLedgerRow {
  action: 'sod.evaluated' | 'request.planned' | 'approval.step_opened';
  key: string;
  details: Record<string, unknown>;
}

/** A plan derived from the catalog, not yet stored: the caller persists `stepRows` and writes `ledger`. */
export interface DerivedPlan extends PlanResult {
  /** True when step 1 is inserted already open (asked for, and the plan is not blocked). */
  firstStepOpen: boolean;
  stepRows: ApprovalStep[];
  ledger: PlanLedgerRow[];
}

/**
 * Reads the catalog once and derives a new request's plan: diff, SoD findings, approval steps and
 * tasks (libs/domain/request-plan.ts holds the rules). Sets `r.diff` and `r.sodFindings`; writes
 * nothing itself, so a caller can insert the steps with its other rows and write the ledger rows
 * last (the ledger's append lock, `pg_advisory_xact_lock`, is then held only through the commit).
 *
 * `subject`: the person the request is for (a joiner's identity may not be flushed yet).
 * `grantTaskDue`: how long system owners get for a grant task (config format, `2d`).
 * `openFirstDueAt` (ISO-8601 with offset): insert step 1 already open, due then, unless the
 * plan is blocked by an SoD rule. `known.addRoles`: the versions of `r.roles`, when the caller
 * has just read them (intake's validation), so they are not read twice.
 */
export async function derivePlan(
  tx: EntityManager, r: Request, subject: Identity, catalog: CatalogPort, grantTaskDue: string, openFirstDueAt?: string,
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
  const ledger: PlanLedgerRow[] = [
    { action: 'sod.evaluated', key: 'sod-evaluated', details: { findings: plan.sodFindings, outcome: plan.sodOutcome } },
    {
      action: 'request.planned',
      key: 'planned',
      details: {
        diff: plan.diff.bySystem,
        steps: plan.steps.map((s) => ({ step: s.step, label: s.label, required: s.required, eligibleApprovers: s.eligibleApprovers, escalation: s.escalation })),
        tasks: plan.tasks.map((t) => ({ system: t.system, action: t.action, entitlements: t.entitlements })),
      },
    },
    ...(first ? [stepOpenedRow(first, openFirstDueAt!)] : []),
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

/** A plan's ledger rows for request `r`, written by `actor` (append them with `recordAuditEvents`). */
export function planLedgerEvents(r: Request, actor: AuditActor, rows: PlanLedgerRow[]): AuditEventInput[] {
  return rows.map((row) => ({
    actor,
    action: row.action,
    subject: { type: 'request', id: r.id },
    requestId: r.id,
    workflowId: r.workflowId,
    details: row.details,
    idempotencyKey: `request:${r.id}:${row.key}`,
  }));
}

/** The ledger row of a step opened for decisions (`dueAt`: ISO-8601 with offset). */
export function stepOpenedRow(s: ApprovalStep, dueAt: string): PlanLedgerRow {
  return {
    action: 'approval.step_opened',
    key: `step:${s.step}:opened`,
    details: { step: s.step, label: s.label, required: s.required, eligibleApprovers: s.eligibleApprovers, dueAt },
  };
}

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
