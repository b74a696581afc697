import { recordAuditEvent, SYSTEM_ACTORS, type AuditEventInput } from '../libs/audit/ledger';
import { recordAuditEvents } from '../libs/audit/ledger-bulk';
import { grantAccess, revokeAccess, type AccessChange } from '../libs/access/access-writer';
import type { PlannedTask, TaskAction } from '../libs/domain/request-types';
import { Identity } from '../libs/identity/identity.entity';
import { ApprovalDecision, ApprovalStep } from '../libs/requests/entities/approval.entity';
import { Task } from '../libs/requests/entities/task.entity';
import { openTasks, taskView, type OpenedTask } from '../libs/requests/open-tasks';
import { requestEvent } from '../libs/requests/request-event';
import { isOpen, lockRequest } from '../libs/requests/request-locks';
import type { ActivityDeps } from './deps';
import { auditRequest } from './requests.activities';

const actor = SYSTEM_ACTORS.worker;

/** Task-side activities of joiner and mover workflows (task creation, completion); delivery and deadlines are the shared task path's. */
export function createRequestTaskActivities(deps: ActivityDeps) {
  const fork = () => deps.orm.em.fork();

  return {
    /**
     * Every approval is in: the request moves to provisioning and gets one task per system and
     * action. A retry returns the tasks already created. Null when the request was cancelled.
     */
    async createTasks(input: { requestId: string; tasks: PlannedTask[] }): Promise<OpenedTask[] | null> {
      return fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r) throw new Error(`request ${input.requestId} not found`);
        const existing = await tx.find(Task, { requestId: r.id }, { orderBy: { systemKey: 'asc', action: 'asc' } });
        if (existing.length > 0 || r.status !== 'pending_approval') {
          return r.status === 'cancelled' ? null : existing.map(taskView);
        }
        const now = Date.now();
        r.status = 'provisioning';
        await tx.flush();
        return openTasks(tx, { requestId: r.id, workflowId: r.workflowId, identityKey: r.identityKey },
          input.tasks.map((p) => ({ ...p, dueAt: new Date(now + p.dueInMs).toISOString() })),
          [requestEvent(actor, r, 'request.approved', 'approved', { tasks: input.tasks.length })]);
      });
    },

    /**
     * Every task is attested: records the access (with who approved and which task carried it
     * out), makes a joiner active or applies a mover's org changes, and completes the request.
     */
    async completeRequest(input: { requestId: string }): Promise<boolean> {
      return fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r) throw new Error(`request ${input.requestId} not found`);
        if (r.status === 'completed') return true;
        if (r.status !== 'provisioning') return false;
        const tasks = await tx.find(Task, { requestId: r.id });
        const decisions = await tx.find(ApprovalDecision, { requestId: r.id, decision: 'approve' });
        const change = (action: TaskAction): AccessChange => ({
          actor, requestId: r.id, workflowId: r.workflowId, reason: r.kind,
          approvedBy: [...new Set(decisions.map((d) => d.approver))].sort(),
          tasks: tasks.filter((t) => t.action === action).map((t) => ({ taskId: t.id, system: t.systemKey, attestedBy: t.completedBy })),
          idempotencyKey: `request:${r.id}:access-${action === 'grant' ? 'granted' : 'revoked'}`,
        });
        await revokeAccess(tx, r.identityKey, { roles: r.removeRoles.map((x) => x.role) }, change('revoke'));
        await grantAccess(tx, r.identityKey, r.roles, change('grant'));
        const identity = await tx.findOneOrFail(Identity, { key: r.identityKey });
        const before = { status: identity.status, department: identity.department, title: identity.title, manager: identity.manager };
        if (r.kind === 'joiner') identity.status = 'active';
        for (const field of ['department', 'title', 'manager'] as const) {
          if (r.kind === 'mover' && field in r.changes) identity[field] = (r.changes[field] as string | null) ?? null;
        }
        r.status = 'completed';
        r.completedAt = new Date();
        await tx.flush();
        const after = { status: identity.status, department: identity.department, title: identity.title, manager: identity.manager };
        await recordAuditEvent(tx, {
          actor,
          action: r.kind === 'joiner' ? 'identity.activated' : 'identity.updated',
          subject: { type: 'identity', id: identity.key },
          requestId: r.id,
          workflowId: r.workflowId,
          details: { before, after },
          idempotencyKey: `request:${r.id}:identity-updated`,
        });
        await auditRequest(tx, r, 'request.completed', 'completed', { tasks: tasks.map((t) => ({ id: t.id, system: t.systemKey, action: t.action, completedBy: t.completedBy })) });
        return true;
      });
    },

    /** An operator cancelled the workflow from Temporal: the request and its open work follow. */
    async cancelRequestFromWorkflow(input: { requestId: string }): Promise<void> {
      await fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r || !isOpen(r)) return;
        r.status = 'cancelled';
        r.outcome = 'cancelled by an operator in Temporal';
        r.completedAt = new Date();
        const steps = await tx.find(ApprovalStep, { requestId: r.id, status: { $in: ['waiting', 'pending'] } });
        steps.forEach((s) => ((s.status = 'cancelled'), (s.closedAt = new Date())));
        const tasks = await tx.find(Task, { requestId: r.id, status: 'open' });
        tasks.forEach((t) => (t.status = 'cancelled'));
        await tx.flush();
        await recordAuditEvents(tx, [
          ...tasks.map((t): AuditEventInput => ({ actor, action: 'task.cancelled', subject: { type: 'task', id: t.id }, requestId: r.id, workflowId: r.workflowId,
            details: { system: t.systemKey, action: t.action, identity: t.identityKey, reason: r.outcome }, idempotencyKey: `task:${t.id}:cancelled` })),
          requestEvent(actor, r, 'request.cancelled', 'cancelled', { reason: r.outcome }),
        ]);
      });
    },
  };
}

export type RequestTaskActivities = ReturnType<typeof createRequestTaskActivities>;
