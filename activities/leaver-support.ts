import type { EntityManager } from '@mikro-orm/postgresql';
import { requestCancelledSignal } from '../workflows/definitions';
import { slaMet } from '../libs/domain/sla';

export interface LeaverTaskRow {
  id: string;
  system_key: string;
  channel: string;
  status: 'open' | 'done' | 'cancelled';
  due_at: Date;
  completed_at: Date | null;
  completed_by: string | null;
  completed_by_name: string | null;
  escalation_level: number;
}

/** Cancels the identity's open joiner/mover requests and their open tasks; queues the cancel signal to each workflow. */
export async function cancelPendingRequestsOf(
  tx: EntityManager,
  identityKey: string,
  leaverRequestId: string,
): Promise<{ id: string; workflowId: string; taskIds: string[] }[]> {
  const open = await tx.execute<{ id: string; workflow_id: string }[]>(
    `SELECT id, workflow_id FROM request WHERE identity_key = ? AND kind IN ('joiner', 'mover')
        AND status IN ('scheduled', 'pending_approval', 'provisioning') ORDER BY id FOR UPDATE`,
    [identityKey],
  );
  const out: { id: string; workflowId: string; taskIds: string[] }[] = [];
  for (const r of open) {
    await tx.execute(`UPDATE request SET status = 'cancelled', outcome = 'cancelled_by_leaver', completed_at = now(), updated_at = now() WHERE id = ?`, [r.id]);
    const tasks = await tx.execute<{ id: string }[]>(
      `UPDATE task SET status = 'cancelled', updated_at = now() WHERE request_id = ? AND status = 'open' RETURNING id`, [r.id]);
    await tx.execute(`UPDATE approval_step SET status = 'cancelled', closed_at = now() WHERE request_id = ? AND status IN ('waiting', 'pending')`, [r.id]);
    // Delivered after commit by the outbox relay (libs/requests/outbox-relay.ts): the workflow stops waiting.
    await tx.execute(`INSERT INTO workflow_outbox (kind, workflow_id, payload) VALUES ('signal', ?, ?::jsonb)`, [
      r.workflow_id,
      JSON.stringify({ signal: requestCancelledSignal.name, args: [{ by: 'system:worker', reason: `leaver ${leaverRequestId}` }] }),
    ]);
    out.push({ id: r.id, workflowId: r.workflow_id, taskIds: tasks.map((t) => t.id) });
  }
  return out;
}

export function slaReport(rows: LeaverTaskRow[]) {
  const systems = rows.map((t) => {
    const dueAt = new Date(t.due_at).toISOString();
    const completedAt = t.completed_at ? new Date(t.completed_at).toISOString() : null;
    return {
      system: t.system_key,
      taskId: t.id,
      status: t.status,
      dueAt,
      completedAt,
      completedBy: t.completed_by_name ?? t.completed_by,
      escalationLevel: t.escalation_level,
      sla: completedAt && slaMet(dueAt, completedAt) ? ('met' as const) : ('breached' as const),
    };
  });
  const outcome = systems.every((s) => s.sla === 'met') ? 'sla_met' : 'sla_breached';
  return { outcome, systems };
}
