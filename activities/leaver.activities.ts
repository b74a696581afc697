import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { recordAuditEvent, SYSTEM_ACTORS, type AuditEventInput } from '../libs/audit/ledger';
import { deprovisionDueAt } from '../libs/domain/sla';
import { sqlCatalog } from '../libs/requests/catalog-adapter';
import type { CatalogPort } from '../libs/requests/catalog-port';
import { Request } from '../libs/requests/entities/request.entity';
import { lockRequest } from '../libs/requests/request-locks';
import type { ActivityDeps } from './deps';
import { cancelPendingRequestsOf, rerouteApprovalsOf, slaReport, type LeaverTaskRow } from './leaver-support';
import { revokeAccess } from '../libs/access/access-writer';
import { openTasks, type OpenedTask } from '../libs/requests/open-tasks';

/** What `makeLeaverEffective` opened: the revoke tasks, and the joiner/mover requests it cancelled. */
export interface LeaverPlan { status: string; tasks: OpenedTask[]; cancelledRequests: string[] }

/** The request's row lock, as every writer of a request takes it first (libs/requests/request-locks.ts). */
const lock = async (tx: EntityManager, requestId: string): Promise<Request> => {
  const r = await lockRequest(tx, requestId);
  if (!r) throw ApplicationFailure.nonRetryable(`request ${requestId} not found`, 'RequestNotFound');
  return r;
};

/**
 * Leaver activities: each one use case, its own fork, one transaction that takes the request's
 * row lock first (as every writer of a request does), changes state and appends its audit events
 * last. Each is idempotent: a retry after a commit finds the work done and returns the same answer.
 */
export function createLeaverActivities(deps: ActivityDeps, catalog: CatalogPort = sqlCatalog) {
  const fork = () => deps.orm.em.fork();

  const activities = {
    /** The request as the intake wrote it: a start re-driven after the leaver closed finds it closed. */
    async beginLeaver(input: { requestId: string }): Promise<{ status: string; effectiveAt: string; outcome: string | null }> {
      const r = await fork().findOne(Request, { id: input.requestId });
      if (!r) throw ApplicationFailure.nonRetryable(`request ${input.requestId} not found`, 'RequestNotFound');
      return { status: r.status, effectiveAt: (r.effectiveAt ?? new Date()).toISOString(), outcome: r.outcome };
    },

    /**
     * `beginLeaver` and, when the leaver is already effective, `makeLeaverEffective` in one
     * activity (ADR 121: one round trip fewer for every immediate leaver). Effective when the
     * workflow's time (`effectiveAt`; for a non-urgent leaver the earlier of it and the request's)
     * has come. Otherwise returns what `beginLeaver` returns, and the workflow sleeps as before.
     */
    async beginLeaverIfEffective(input: { requestId: string; urgent: boolean; effectiveAt: string }): Promise<{
      status: string; effectiveAt: string; outcome: string | null; plan: LeaverPlan | null;
    }> {
      const begun = await activities.beginLeaver(input);
      // A retry after makeLeaverEffective committed (the worker died before reporting it) finds the
      // leaver deprovisioning: its stored tasks are the plan. Without them the workflow took the
      // leaver for closed and never delivered a revoke ticket (ADR 178).
      if (begun.status === 'deprovisioning') return { ...begun, plan: await activities.makeLeaverEffective(input) };
      const at = !input.urgent && Date.parse(begun.effectiveAt) < Date.parse(input.effectiveAt) ? begun.effectiveAt : input.effectiveAt;
      if (begun.status !== 'scheduled' || Date.parse(at) > Date.now()) return { ...begun, plan: null };
      return { ...begun, plan: await activities.makeLeaverEffective(input) };
    },

    /**
     * The effective time: terminates the identity, cancels its pending joiner/mover requests with
     * their tasks, and opens one revoke task per system where it holds any access (requested or
     * imported) or where a cancelled request's grant task was carried out or is in flight, due
     * within the system's SLA; their open approval steps go to stand-ins. All in one transaction.
     */
    async makeLeaverEffective(input: { requestId: string; urgent: boolean }): Promise<LeaverPlan> {
      return fork().transactional(async (tx) => {
        const r = await lock(tx, input.requestId);
        if (r.status !== 'scheduled') {
          const rows = await tx.execute<LeaverTaskRow[]>('SELECT * FROM task WHERE request_id = ? ORDER BY system_key', [r.id]);
          return { status: r.status, tasks: rows.map(toPlan), cancelledRequests: [] };
        }
        const now = new Date();
        await tx.execute(`UPDATE identity SET status = 'terminated', end_date = current_date, updated_at = now() WHERE key = ?`, [r.identityKey]);
        const held = await catalog.currentRoles(tx, r.identityKey);
        const cancelled = await cancelPendingRequestsOf(tx, r.identityKey, r.id);
        // Recorded access, plus what a cancelled joiner/mover already carried out or has in flight.
        const bySystem = new Map<string, Set<string>>();
        const add = (system: string, entitlement: string) => bySystem.set(system, (bySystem.get(system) ?? new Set()).add(entitlement));
        for (const role of held) for (const e of role.entitlements) add(e.system, e.entitlement);
        for (const c of cancelled) for (const g of c.granted) for (const e of g.entitlements) add(g.system, e);
        const systems = await catalog.systems(tx, [...bySystem.keys()]);
        const plans = systems.sort((a, b) => a.key.localeCompare(b.key)).map((s) => ({
          system: s.key, action: 'revoke' as const, entitlements: [...bySystem.get(s.key)!], channel: s.channel,
          dueAt: deprovisionDueAt(now, s.deprovisionSlaHours), urgent: input.urgent,
        }));
        r.status = 'deprovisioning';
        await tx.flush();

        const base = { actor: SYSTEM_ACTORS.worker, requestId: r.id, workflowId: r.workflowId };
        // Written with the tasks' rows, in one statement (openTasks): the ledger's lock is taken late.
        const leading: AuditEventInput[] = [
          { ...base, action: 'identity.terminated', subject: { type: 'identity', id: r.identityKey },
            details: { at: now.toISOString() }, idempotencyKey: `request:${r.id}:identity-terminated` },
          ...cancelled.map((c): AuditEventInput => ({ ...base, action: 'request.cancelled', subject: { type: 'request', id: c.id },
            requestId: c.id, workflowId: c.workflowId, details: { reason: 'leaver', leaverRequestId: r.id, cancelledTasks: c.taskIds },
            idempotencyKey: `request:${c.id}:cancelled` })),
        ];
        const tasks = await openTasks(tx, { requestId: r.id, workflowId: r.workflowId, identityKey: r.identityKey }, plans, leading);
        await rerouteApprovalsOf(tx, r.identityKey, r.id);
        await recordAuditEvent(tx, { ...base, action: 'leaver.effective', subject: { type: 'request', id: r.id },
          details: { identity: r.identityKey, systems: tasks.map((t) => t.system), cancelledRequests: cancelled.map((c) => c.id) },
          idempotencyKey: `request:${r.id}:effective` });
        return { status: 'deprovisioning', tasks, cancelledRequests: cancelled.map((c) => c.id) };
      });
    },

    /** Every task closed: the request completes with met/breached per system, and the access is recorded as revoked. */
    async closeLeaver(input: { requestId: string }): Promise<{ outcome: string; systems: ReturnType<typeof slaReport>['systems'] }> {
      return fork().transactional(async (tx) => {
        const r = await lock(tx, input.requestId);
        const rows = await tx.execute<LeaverTaskRow[]>('SELECT * FROM task WHERE request_id = ? ORDER BY system_key', [r.id]);
        const report = slaReport(rows);
        if (r.status !== 'deprovisioning') return report;
        Object.assign(r, { status: 'completed', outcome: report.outcome, completedAt: new Date(), changes: { ...r.changes, sla: report.systems } });
        await tx.flush();
        const revoked = await revokeAccess(tx, r.identityKey, { all: true }, {
          actor: SYSTEM_ACTORS.worker, requestId: r.id, workflowId: r.workflowId, approvedBy: [], reason: 'leaver',
          tasks: rows.map((t) => ({ taskId: t.id, system: t.system_key, attestedBy: t.completed_by })),
          idempotencyKey: `request:${r.id}:access-revoked`,
        });
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.worker, action: 'request.completed', subject: { type: 'request', id: r.id }, requestId: r.id, workflowId: r.workflowId,
          details: { kind: 'leaver', outcome: report.outcome, systems: report.systems, revokedAssignments: revoked.map((x) => x.id) },
          idempotencyKey: `request:${r.id}:completed`,
        });
        return report;
      });
    },
  };
  return activities;
}

const toPlan = (t: LeaverTaskRow): OpenedTask => ({ taskId: t.id, system: t.system_key, action: 'revoke', dueAt: new Date(t.due_at).toISOString() });

export type LeaverActivities = ReturnType<typeof createLeaverActivities>;
