import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SYSTEM_ACTORS, type AuditActor, type AuditEventInput } from '../audit/ledger';
import { recordAuditEvents } from '../audit/ledger-bulk';
import type { TaskAction } from '../domain/request-types';
import { sqlCatalog } from './catalog-adapter';
import { Task } from './entities/task.entity';
import { standInsFor } from './stand-ins';

/** One task to open: one system, one action, the entitlements it changes, when it is due. */
export interface TaskPlan {
  system: string;
  action: TaskAction;
  entitlements: string[];
  channel: string;
  /** ISO-8601. */
  dueAt: string;
  urgent?: boolean;
}

/** Plain JSON view of an opened task, as workflow state keeps it. */
export interface OpenedTask {
  taskId: string;
  system: string;
  action: TaskAction;
  dueAt: string;
}

/**
 * Opens downstream tasks for one identity, inside the caller's transaction, each with its
 * `task.created` audit event. The one way tasks come to exist (joiner, mover, leaver, and next
 * certification revokes); `workflowId` is where their attestation is signalled.
 *
 * The ledger rows are appended in ONE statement after the tasks are inserted, `leading` (the
 * caller's own events, e.g. `request.approved`) first: the ledger's append lock, held from the
 * first row to the commit, then covers no read and no other write of this transaction.
 */
export async function openTasks(
  tx: EntityManager,
  of: { requestId: string; workflowId: string; identityKey: string; actor?: AuditActor; campaignId?: string | null },
  plans: TaskPlan[],
  leading: AuditEventInput[] = [],
): Promise<OpenedTask[]> {
  const tasks = plans.map(
    (p) =>
      new Task({
        id: randomUUID(), requestId: of.requestId, workflowId: of.workflowId, identityKey: of.identityKey, systemKey: p.system,
        action: p.action, entitlements: [...p.entitlements].sort(), dueAt: new Date(p.dueAt), channel: p.channel, urgent: p.urgent ?? false,
        campaignId: of.campaignId ?? null,
      }),
  );
  const fallbacks = await attesterFallbacks(tx, of.identityKey, tasks);
  tasks.forEach((t) => tx.persist(t));
  await tx.flush();
  const actor = of.actor ?? SYSTEM_ACTORS.worker;
  const events = tasks.flatMap((t): AuditEventInput[] => {
    const on = { actor, subject: { type: 'task', id: t.id }, requestId: t.requestId, campaignId: t.campaignId, workflowId: t.workflowId };
    const created: AuditEventInput = {
      ...on, action: 'task.created',
      details: { system: t.systemKey, action: t.action, identity: t.identityKey, entitlements: t.entitlements, dueAt: t.dueAt.toISOString(), urgent: t.urgent, channel: t.channel },
      idempotencyKey: `task:${t.id}:created`,
    };
    const f = fallbacks.get(t.id);
    if (!f) return [created];
    return [created, {
      ...on, action: 'task.attester_fallback',
      details: { system: t.systemKey, owners: f.owners, reason: 'every owner of the system is the task\'s subject', fallbackAttesters: t.fallbackAttesters, via: f.via },
      idempotencyKey: `task:${t.id}:attester-fallback`,
    }];
  });
  await recordAuditEvents(tx, [...leading, ...events]);
  return tasks.map(taskView);
}

/**
 * When every owner of a task's system is its subject, nobody could attest it: it goes at once to
 * stand-ins (the subject's active manager chain, then the admins; never the subject). Sets
 * `fallbackAttesters` on those tasks and returns why, per task id, for the audit row.
 */
async function attesterFallbacks(tx: EntityManager, subject: string, tasks: Task[]) {
  const out = new Map<string, { owners: string[]; via: string }>();
  const systems = await sqlCatalog.systems(tx, [...new Set(tasks.map((t) => t.systemKey))]);
  for (const t of tasks) {
    const owners = systems.find((s) => s.key === t.systemKey)?.owners ?? [];
    if (owners.some((o) => o !== subject)) continue;
    const stand = await standInsFor(tx, subject, [subject]);
    t.fallbackAttesters = stand.people;
    out.set(t.id, { owners, via: stand.via });
  }
  return out;
}

export const taskView = (t: Task): OpenedTask => ({ taskId: t.id, system: t.systemKey, action: t.action, dueAt: t.dueAt.toISOString() });
