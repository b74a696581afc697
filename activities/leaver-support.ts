import type { EntityManager } from '@mikro-orm/postgresql';
import type { CatalogPort, CatalogSystem } from '../libs/requests/catalog-port';
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
      JSON.stringify({ signal: 'requestCancelled', args: [{ by: 'system:worker', reason: `leaver ${leaverRequestId}` }] }),
    ]);
    out.push({ id: r.id, workflowId: r.workflow_id, taskIds: tasks.map((t) => t.id) });
  }
  return out;
}

/**
 * Target systems by key, with their entitlements. Knex expands an array parameter into a list,
 * so the keys go in as `IN (?)` (non-empty) rather than `= ANY(?::text[])`.
 */
export async function systemsByKey(tx: EntityManager, keys: string[]): Promise<CatalogSystem[]> {
  if (keys.length === 0) return [];
  const rows = await tx.execute<(Omit<CatalogSystem, 'deprovisionSlaHours'> & { deprovision_sla_hours: number })[]>(
    `SELECT s.key, s.name, s.owners, s.channel, s.target, s.deprovision_sla_hours,
            COALESCE((SELECT jsonb_agg(jsonb_build_object('key', e.key, 'name', e.name, 'privileged', e.privileged) ORDER BY e.key)
                        FROM entitlement e WHERE e.system_key = s.key), '[]'::jsonb) AS entitlements
       FROM target_system s WHERE s.key IN (?)`,
    [keys],
  );
  return rows.map(({ deprovision_sla_hours, ...r }) => ({ ...r, deprovisionSlaHours: deprovision_sla_hours }));
}

/** Who an escalation goes to: the system's owners, then also their managers, then also the admins. */
export async function escalationRecipients(tx: EntityManager, catalog: CatalogPort, systemKey: string, level: 1 | 2 | 3): Promise<string[]> {
  const [system] = await systemsByKey(tx, [systemKey]);
  const owners = system?.owners ?? [];
  if (level === 1) return [...owners].sort();
  if (level === 2) {
    if (owners.length === 0) return [];
    const rows = await tx.execute<{ manager: string }[]>(
      `SELECT DISTINCT manager FROM identity WHERE key IN (?) AND manager IS NOT NULL`, [owners]);
    return rows.map((x) => x.manager).sort();
  }
  return (await catalog.admins(tx)).sort();
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
