import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { recordAuditEvents } from '../libs/audit/ledger-bulk';
import { sodOutcome } from '../libs/domain/sod';
import { Identity } from '../libs/identity/identity.entity';
import { sqlCatalog } from '../libs/requests/catalog-adapter';
import type { CatalogPort } from '../libs/requests/catalog-port';
import { ApprovalStep } from '../libs/requests/entities/approval.entity';
import type { Request } from '../libs/requests/entities/request.entity';
import { derivePlan, stepOpenedEvent, stepView, type PlanResult } from '../libs/requests/plan-store';
import { requestEvent } from '../libs/requests/request-event';
import { isOpen, lockRequest } from '../libs/requests/request-locks';
import type { ActivityDeps } from './deps';

export type { PlanResult } from '../libs/requests/plan-store';

/** A request's audit row written by the worker, keyed `request:<id>:<key>` (the same on every retry). */
export const auditRequest = (tx: EntityManager, r: Request, action: string, key: string, details: Record<string, unknown>) =>
  recordAuditEvent(tx, requestEvent(SYSTEM_ACTORS.worker, r, action, key, details));

/** Who manages each of these people, from the org chart (the escalation target). */
async function managersOf(em: EntityManager, keys: string[]): Promise<Identity[]> {
  if (keys.length === 0) return [];
  const people = await em.find(Identity, { key: { $in: keys } });
  const managerKeys = [...new Set(people.map((p) => p.manager).filter((m): m is string => !!m))];
  return managerKeys.length ? em.find(Identity, { key: { $in: managerKeys }, status: 'active' }) : [];
}

/** Approval-side activities of joiner and mover workflows. Each: own fork, one transaction, idempotent. */
export function createRequestActivities(deps: ActivityDeps, catalog: CatalogPort = sqlCatalog) {
  const fork = () => deps.orm.em.fork();

  return {
    /**
     * Reads the catalog once and fixes the request's plan: diff, SoD findings, approval steps and
     * tasks. Done in an activity (not in workflow code) so a later change to routing rules applies
     * to new requests only and never breaks the replay of running ones. A retry returns the plan
     * already stored.
     */
    async planRequest(input: { requestId: string; grantTaskDue: string }): Promise<PlanResult> {
      return fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r) throw new Error(`request ${input.requestId} not found`);
        return fixPlan(tx, r, input.grantTaskDue, catalog);
      });
    },

    /**
     * `planRequest` and `openApprovalStep` of step 1 in one transaction (ADR 123): the joiner's
     * first round trip fixes the plan and opens the first step for its approvers, so a new
     * request waits for them after one workflow task. Run as a local activity; a retry returns
     * the stored plan and finds step 1 already open. `firstStepOpen` is false only when there is
     * no step to open (the plan is blocked, the request closed, or no approval is needed).
     */
    async planAndOpenFirstStep(input: { requestId: string; grantTaskDue: string; firstStepDueAt: string }): Promise<PlanResult & { firstStepOpen: boolean }> {
      return fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r) throw new Error(`request ${input.requestId} not found`);
        const plan = await fixPlan(tx, r, input.grantTaskDue, catalog, input.firstStepDueAt);
        if (plan.firstStepOpen !== undefined) return { ...plan, firstStepOpen: plan.firstStepOpen };
        if (plan.outcome !== 'ok' || plan.steps.length === 0) return { ...plan, firstStepOpen: false };
        // A retry found the plan stored. Step 1 decided since then (approved or rejected) was
        // open, and the decision's signal brings the workflow its outcome.
        const status = await openStep(tx, r, plan.steps[0].step, input.firstStepDueAt);
        return { ...plan, firstStepOpen: status !== 'cancelled' };
      });
    },

    /** Opens a step for decisions. Returns false when the request is no longer open. */
    async openApprovalStep(input: { requestId: string; step: number; dueAt: string }): Promise<boolean> {
      return fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r || !isOpen(r)) return false;
        return (await openStep(tx, r, input.step, input.dueAt)) === 'pending';
      });
    },

    /** Reminds the step's approvers (audited; the inbox is GET /approvals). */
    async remindApprovers(input: { requestId: string; step: number }): Promise<void> {
      await fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r || !isOpen(r)) return;
        const s = await tx.findOneOrFail(ApprovalStep, { requestId: r.id, step: input.step });
        if (s.status !== 'pending' || s.remindersSent > 0) return;
        s.remindersSent = 1;
        await tx.flush();
        await auditRequest(tx, r, 'approval.reminded', `step:${s.step}:reminder`, { step: s.step, approvers: s.eligibleApprovers });
      });
    },

    /**
     * The approval SLA passed: the managers of the step's approvers become eligible too. Returns
     * the step's eligible approvers afterwards.
     */
    async escalateApprovalStep(input: { requestId: string; step: number; level: number; nextDueAt: string }): Promise<string[]> {
      return fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r) throw new Error(`request ${input.requestId} not found`);
        const s = await tx.findOneOrFail(ApprovalStep, { requestId: r.id, step: input.step });
        if (!isOpen(r) || s.status !== 'pending' || s.escalationLevel >= input.level) return s.eligibleApprovers;
        const excluded = new Set([r.identityKey, r.requesterId]);
        const added = (await managersOf(tx, s.eligibleApprovers))
          .map((m) => m.key)
          .filter((k) => !excluded.has(k) && !s.eligibleApprovers.includes(k));
        s.eligibleApprovers = [...s.eligibleApprovers, ...added].sort();
        s.escalationLevel = input.level;
        s.dueAt = new Date(input.nextDueAt);
        await tx.flush();
        await auditRequest(tx, r, 'approval.escalated', `step:${s.step}:escalation:${input.level}`, {
          step: s.step, level: input.level, addedApprovers: added, eligibleApprovers: s.eligibleApprovers, nextDueAt: input.nextDueAt,
        });
        return s.eligibleApprovers;
      });
    },

    /** Ends the request as rejected (a rejection, or an SoD block): later steps are cancelled. */
    async rejectRequest(input: { requestId: string; reason: 'rejected' | 'sod_block'; step?: number }): Promise<void> {
      await fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r || !isOpen(r)) return;
        r.status = 'rejected';
        r.outcome = input.reason;
        r.completedAt = new Date();
        const open = await tx.find(ApprovalStep, { requestId: r.id, status: { $in: ['waiting', 'pending'] } });
        for (const s of open) {
          s.status = 'cancelled';
          s.closedAt = new Date();
        }
        await tx.flush();
        await auditRequest(tx, r, 'request.rejected', 'rejected', { reason: input.reason, step: input.step ?? null, sodFindings: r.sodFindings });
      });
    },
  };
}

/**
 * Fixes the request's plan inside the caller's transaction (the request row locked): diff, SoD
 * findings, approval steps and tasks, audited. A request planned already (at intake since ADR 181,
 * or by an earlier try) returns the stored plan (`firstStepOpen` undefined). With
 * `openFirstDueAt`, a new plan that is not blocked inserts step 1 already open, and its ledger rows
 * are written last, so the ledger's append lock is held only through the commit.
 */
async function fixPlan(
  tx: EntityManager, r: Request, grantTaskDue: string, catalog: CatalogPort, openFirstDueAt?: string,
): Promise<PlanResult & { firstStepOpen?: boolean }> {
  const stored = await tx.find(ApprovalStep, { requestId: r.id }, { orderBy: { step: 'asc' } });
  if (stored.length > 0 || !isOpen(r) || r.diff.tasks !== undefined) {
    const plannedTasks = r.diff.tasks ?? [];
    const outcome = !isOpen(r) ? (r.outcome === 'sod_block' ? 'blocked' : 'closed') : sodOutcome(r.sodFindings) === 'block' ? 'blocked' : 'ok';
    return { outcome, steps: stored.map(stepView), tasks: plannedTasks };
  }
  const subject = await tx.findOneOrFail(Identity, { key: r.identityKey });
  const { stepRows, ledger, ...plan } = await derivePlan(tx, SYSTEM_ACTORS.worker, r, subject, catalog, grantTaskDue, openFirstDueAt);
  stepRows.forEach((e) => tx.persist(e));
  await tx.flush();
  await recordAuditEvents(tx, ledger);
  return { ...plan, firstStepOpen: openFirstDueAt ? plan.firstStepOpen : undefined };
}

/**
 * Opens a waiting step for decisions (status pending, opened and due times, audited) inside the
 * caller's transaction. Returns the step's status afterwards: `pending` when it is open now.
 */
async function openStep(tx: EntityManager, r: Request, step: number, dueAt: string): Promise<ApprovalStep['status']> {
  const s = await tx.findOneOrFail(ApprovalStep, { requestId: r.id, step });
  if (s.status !== 'waiting') return s.status;
  s.status = 'pending';
  s.openedAt = new Date();
  s.dueAt = new Date(dueAt);
  await tx.flush();
  await recordAuditEvent(tx, stepOpenedEvent(SYSTEM_ACTORS.worker, r, s, dueAt));
  return s.status;
}

export type RequestActivities = ReturnType<typeof createRequestActivities>;
