import type { EntityManager } from '@mikro-orm/postgresql';
import { requestCancelledSignal } from '../workflows/definitions';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { slaMet } from '../libs/domain/sla';
import { standInsFor } from '../libs/requests/stand-ins';

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

export interface CancelledRequest {
  id: string;
  workflowId: string;
  taskIds: string[];
  /** Grant tasks carried out (attested) or in flight (open) when cancelled: access that may exist on the system. */
  granted: { system: string; entitlements: string[] }[];
}

/**
 * Cancels the identity's open joiner/mover requests and their open tasks; queues the cancel
 * signal to each workflow. Returns, per request, what its grant tasks may already have put on a
 * system (the leaver revokes that too: issue 11 item 4).
 */
export async function cancelPendingRequestsOf(tx: EntityManager, identityKey: string, leaverRequestId: string): Promise<CancelledRequest[]> {
  const open = await tx.execute<{ id: string; workflow_id: string }[]>(
    `SELECT id, workflow_id FROM request WHERE identity_key = ? AND kind IN ('joiner', 'mover')
        AND status IN ('scheduled', 'pending_approval', 'provisioning') ORDER BY id FOR UPDATE`,
    [identityKey],
  );
  const out: CancelledRequest[] = [];
  for (const r of open) {
    const granted = await tx.execute<{ system: string; entitlements: string[] }[]>(
      `SELECT system_key AS system, entitlements FROM task WHERE request_id = ? AND action = 'grant' AND status IN ('open', 'done') ORDER BY system_key`, [r.id]);
    await tx.execute(`UPDATE request SET status = 'cancelled', outcome = 'cancelled_by_leaver', completed_at = now(), updated_at = now() WHERE id = ?`, [r.id]);
    const tasks = await tx.execute<{ id: string }[]>(
      `UPDATE task SET status = 'cancelled', updated_at = now() WHERE request_id = ? AND status = 'open' RETURNING id`, [r.id]);
    await tx.execute(`UPDATE approval_step SET status = 'cancelled', closed_at = now() WHERE request_id = ? AND status IN ('waiting', 'pending')`, [r.id]);
    // Delivered after commit by the outbox relay (libs/requests/outbox-relay.ts): the workflow stops waiting.
    await tx.execute(`INSERT INTO workflow_outbox (kind, workflow_id, payload) VALUES ('signal', ?, ?::jsonb)`, [
      r.workflow_id,
      JSON.stringify({ signal: requestCancelledSignal.name, args: [{ by: 'system:worker', reason: `leaver ${leaverRequestId}` }] }),
    ]);
    out.push({ id: r.id, workflowId: r.workflow_id, taskIds: tasks.map((t) => t.id), granted });
  }
  return out;
}

/**
 * A leaving approver's open approval steps (waiting or pending, on open requests) go at once to
 * their stand-ins (libs/domain/fallback.ts: their active manager chain, then the admins; never the
 * request's subject or requester), each audited as `approval.rerouted`. Inside the leaver's
 * transaction, with the affected requests' row locks (decisions take the same lock).
 */
export async function rerouteApprovalsOf(tx: EntityManager, leaver: string, leaverRequestId: string): Promise<number> {
  const steps = await tx.execute<{ id: string; request_id: string; step: number; eligible_approvers: string[]; identity_key: string; requester_id: string; workflow_id: string }[]>(
    `SELECT s.id, s.request_id, s.step, s.eligible_approvers, r.identity_key, r.requester_id, r.workflow_id
       FROM approval_step s JOIN request r ON r.id = s.request_id
      WHERE s.status IN ('waiting', 'pending') AND r.status IN ('scheduled', 'pending_approval')
        AND s.eligible_approvers @> jsonb_build_array(?::text)
      ORDER BY r.id, s.step FOR UPDATE OF r, s`,
    [leaver],
  );
  for (const s of steps) {
    const stand = await standInsFor(tx, leaver, [s.identity_key, s.requester_id]);
    const eligible = [...new Set([...s.eligible_approvers.filter((k) => k !== leaver), ...stand.people])].sort();
    await tx.execute('UPDATE approval_step SET eligible_approvers = ?::jsonb WHERE id = ?', [JSON.stringify(eligible), s.id]);
    await recordAuditEvent(tx, {
      actor: SYSTEM_ACTORS.worker, action: 'approval.rerouted', subject: { type: 'request', id: s.request_id }, requestId: s.request_id, workflowId: s.workflow_id,
      details: { step: s.step, from: leaver, to: stand.people, via: stand.via, eligibleApprovers: eligible, reason: 'approver left', leaverRequestId },
      idempotencyKey: `request:${s.request_id}:step:${s.step}:rerouted:${leaver}`,
    });
  }
  return steps.length;
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
