import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import type { PlannedTask } from '../libs/domain/request-types';
import { Identity } from '../libs/identity/identity.entity';
import { sqlCatalog } from '../libs/requests/catalog-adapter';
import type { CatalogPort } from '../libs/requests/catalog-port';
import { ApprovalDecision, ApprovalStep } from '../libs/requests/entities/approval.entity';
import type { Request } from '../libs/requests/entities/request.entity';
import { Task } from '../libs/requests/entities/task.entity';
import { isOpen, lockRequest } from '../libs/requests/request-locks';
import { deliverThroughChannel, ticketChannelDeps } from '../libs/tickets/channels';
import { buildTicket } from '../libs/tickets/ticket';
import type { ActivityDeps } from './deps';

export interface CreatedTask {
  taskId: string;
  system: string;
  action: 'grant' | 'revoke';
  dueAt: string;
}

const actor = SYSTEM_ACTORS.worker;

function auditTask(tx: EntityManager, t: Task, action: string, key: string, details: Record<string, unknown>) {
  return recordAuditEvent(tx, {
    actor,
    action,
    subject: { type: 'task', id: t.id },
    requestId: t.requestId,
    workflowId: t.workflowId,
    details: { system: t.systemKey, action: t.action, identity: t.identityKey, ...details },
    idempotencyKey: `task:${t.id}:${key}`,
  });
}

function auditRequest(tx: EntityManager, r: Request, action: string, key: string, details: Record<string, unknown>) {
  return recordAuditEvent(tx, {
    actor,
    action,
    subject: { type: 'request', id: r.id },
    requestId: r.id,
    workflowId: r.workflowId,
    details,
    idempotencyKey: `request:${r.id}:${key}`,
  });
}

/** Task-side activities of joiner and mover workflows (task creation, delivery, deadlines, completion). */
export function createRequestTaskActivities(deps: ActivityDeps, catalog: CatalogPort = sqlCatalog) {
  const fork = () => deps.orm.em.fork();

  return {
    /**
     * Every approval is in: the request moves to provisioning and gets one task per system and
     * action. A retry returns the tasks already created. Null when the request was cancelled.
     */
    async createTasks(input: { requestId: string; tasks: PlannedTask[] }): Promise<CreatedTask[] | null> {
      return fork().transactional(async (tx) => {
        const r = await lockRequest(tx, input.requestId);
        if (!r) throw new Error(`request ${input.requestId} not found`);
        const existing = await tx.find(Task, { requestId: r.id }, { orderBy: { systemKey: 'asc', action: 'asc' } });
        if (existing.length > 0 || r.status !== 'pending_approval') {
          return r.status === 'cancelled' ? null : existing.map(view);
        }
        const now = Date.now();
        const created = input.tasks.map(
          (p) =>
            new Task({
              id: randomUUID(),
              requestId: r.id,
              workflowId: r.workflowId,
              identityKey: r.identityKey,
              systemKey: p.system,
              action: p.action,
              entitlements: p.entitlements,
              dueAt: new Date(now + p.dueInMs),
              channel: p.channel,
            }),
        );
        r.status = 'provisioning';
        created.forEach((t) => tx.persist(t));
        await tx.flush();
        await auditRequest(tx, r, 'request.approved', 'approved', { tasks: created.length });
        for (const t of created) {
          await auditTask(tx, t, 'task.created', 'created', { entitlements: t.entitlements, dueAt: t.dueAt.toISOString(), channel: t.channel });
        }
        return created.map(view);
      });
    },

    /**
     * Delivers a task's ticket through its system's channel: for `queue` the task list is the
     * ticket, so it is only marked delivered; webhook and email go through `deliverThroughChannel`
     * (issue 6), which throws classified failures for the retry policy. The attempt count commits
     * before the attempt, the delivery and its audit event after it.
     */
    async deliverTicket(taskId: string): Promise<{ externalRef: string | null }> {
      const em = fork();
      const t = await em.findOneOrFail(Task, { id: taskId });
      if (t.deliveredAt || t.status !== 'open') return { externalRef: t.externalRef };
      await em.nativeUpdate(Task, { id: taskId }, { deliveryAttempts: t.deliveryAttempts + 1 });
      const [system] = await catalog.systems(em, [t.systemKey]);
      const subject = await em.findOneOrFail(Identity, { key: t.identityKey });
      const request = await em.getConnection().execute<{ kind: 'joiner' | 'mover' | 'leaver' }[]>('SELECT kind FROM request WHERE id = ?', [t.requestId]);
      const channel = (t.channel as 'queue' | 'webhook' | 'email') ?? 'queue';
      const entitlementInfo = (key: string) => system?.entitlements.find((e) => e.key === key) ?? { key, name: key, privileged: false };
      const ticket = buildTicket(
        {
          taskId: t.id,
          requestId: t.requestId,
          kind: request[0]?.kind ?? 'joiner',
          action: t.action,
          urgent: t.urgent,
          system: { key: t.systemKey, name: system?.name ?? t.systemKey },
          identity: { key: subject.key, name: subject.name, username: subject.username },
          entitlements: t.entitlements.map(entitlementInfo),
          dueAt: t.dueAt.toISOString(),
          createdAt: t.createdAt.toISOString(),
        },
        deps.config.publicUrl,
      );
      const { externalRef } = await deliverThroughChannel(ticket, { channel, target: system?.target ?? null }, ticketChannelDeps(deps.config));
      return fork().transactional(async (tx) => {
        const task = await tx.findOneOrFail(Task, { id: taskId });
        if (task.deliveredAt) return { externalRef: task.externalRef };
        task.deliveredAt = new Date();
        task.externalRef = task.externalRef ?? externalRef;
        await tx.flush();
        await auditTask(tx, task, 'ticket.delivered', 'delivered', { channel, externalRef, attempts: task.deliveryAttempts });
        return { externalRef };
      });
    },

    async remindTask(input: { taskId: string }): Promise<void> {
      await fork().transactional(async (tx) => {
        const t = await tx.findOneOrFail(Task, { id: input.taskId });
        if (t.status !== 'open') return;
        await auditTask(tx, t, 'task.reminded', 'reminder', { dueAt: t.dueAt.toISOString() });
      });
    },

    /** The task is past due: raise its escalation level (audited, and visible as overdue). */
    async escalateTask(input: { taskId: string; level: number }): Promise<void> {
      await fork().transactional(async (tx) => {
        const t = await tx.findOneOrFail(Task, { id: input.taskId });
        if (t.status !== 'open' || t.escalationLevel >= input.level) return;
        t.escalationLevel = input.level;
        await tx.flush();
        await auditTask(tx, t, 'task.escalated', `escalation:${input.level}`, { level: input.level, dueAt: t.dueAt.toISOString() });
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
        const provenance = {
          requestId: r.id,
          approvedBy: [...new Set(decisions.map((d) => d.approver))].sort(),
          taskBySystem: Object.fromEntries(tasks.filter((t) => t.action === 'grant').map((t) => [t.systemKey, t.id])),
          actor,
          workflowId: r.workflowId,
        };
        await catalog.revokeRoles(tx, r.identityKey, r.removeRoles.map((x) => x.role), provenance);
        await catalog.grantRoles(tx, r.identityKey, r.roles, provenance);
        const identity = await tx.findOneOrFail(Identity, { key: r.identityKey });
        const before = { status: identity.status, department: identity.department, title: identity.title, manager: identity.manager };
        if (r.kind === 'joiner') identity.status = 'active';
        for (const field of ['department', 'title', 'manager'] as const) {
          if (r.kind === 'mover' && field in r.changes) identity[field] = (r.changes[field] as string | null) ?? null;
        }
        r.status = 'completed';
        r.completedAt = new Date();
        await tx.flush();
        if (r.removeRoles.length) await auditRequest(tx, r, 'access.revoked', 'access-revoked', { identity: r.identityKey, roles: r.removeRoles, ...provenance, actor: undefined });
        if (r.roles.length) await auditRequest(tx, r, 'access.granted', 'access-granted', { identity: r.identityKey, roles: r.roles, ...provenance, actor: undefined });
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
        for (const t of tasks) await auditTask(tx, t, 'task.cancelled', 'cancelled', { reason: r.outcome });
        await auditRequest(tx, r, 'request.cancelled', 'cancelled', { reason: r.outcome });
      });
    },
  };
}

function view(t: Task): CreatedTask {
  return { taskId: t.id, system: t.systemKey, action: t.action, dueAt: t.dueAt.toISOString() };
}

export type RequestTaskActivities = ReturnType<typeof createRequestTaskActivities>;
