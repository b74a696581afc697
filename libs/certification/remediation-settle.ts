import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { revokeAccess } from '../access/access-writer';
import { SYSTEM_ACTORS } from '../audit/ledger';
import type { EntitlementRef } from '../domain/access';
import type { CampaignRow } from './campaign-store';

/** Requests settled per call: each is one short transaction; the caller calls again while some remain. */
export const SETTLE_BATCH = 500;

interface RemediationRequest {
  id: string;
  identity_key: string;
  changes: { assignments: string[]; reviewers: string[] };
}

/**
 * Settles a campaign's remediation requests as their revoke tasks close (ADR 060, ADR 130):
 * an assignment is revoked by the access writer as soon as the revoke task of every system it
 * touches is attested (`done`), not when the whole campaign's tasks are closed; a cancelled task
 * carried nothing out, so the assignment it covers stays (and the request says `partly_revoked`
 * or `not_revoked`). A request completes when none of its tasks is open. Idempotent: revoked
 * assignments are no longer active, a completed request is no longer `deprovisioning`.
 * Returns how many requests it looked at (0: nothing left to settle).
 */
export async function settleAttested(em: EntityManager, c: CampaignRow): Promise<number> {
  // Requests with an attested task whose assignment is still active, or with no open task left.
  const ready = await em.execute<{ id: string }[]>(
    `SELECT r.id FROM request r
      WHERE r.kind = 'certification' AND r.changes->>'campaignId' = ? AND r.status = 'deprovisioning'
        AND (NOT EXISTS (SELECT 1 FROM task o WHERE o.request_id = r.id AND o.status = 'open')
          OR EXISTS (SELECT 1 FROM task t JOIN access_assignment a ON a.status = 'active'
                       AND a.id IN (SELECT jsonb_array_elements_text(r.changes->'assignments')::uuid)
                       AND a.entitlements @> jsonb_build_array(jsonb_build_object('system', t.system_key))
                      WHERE t.request_id = r.id AND t.status = 'done'
                        AND NOT EXISTS (SELECT 1 FROM task u, jsonb_array_elements(a.entitlements) e
                                         WHERE u.request_id = r.id AND u.system_key = e->>'system' AND u.status <> 'done')))
      ORDER BY r.id LIMIT ?`, [c.id, SETTLE_BATCH]);
  for (const r of ready) await em.fork().transactional((tx) => settleRequest(tx, c, r.id));
  return ready.length;
}

async function settleRequest(tx: EntityManager, c: CampaignRow, requestId: string): Promise<void> {
  const [r] = await tx.execute<(RemediationRequest & { status: string })[]>(
    'SELECT id, identity_key, changes, status FROM request WHERE id = ? FOR UPDATE', [requestId]);
  if (r?.status !== 'deprovisioning') return;
  const tasks = await tx.execute<{ id: string; system_key: string; status: string; completed_by: string | null }[]>(
    'SELECT id, system_key, status, completed_by FROM task WHERE request_id = ? ORDER BY system_key', [r.id]);
  const attested = new Set(tasks.filter((t) => t.status === 'done').map((t) => t.system_key));
  const covered = new Set(tasks.map((t) => t.system_key));
  const held = await tx.execute<{ id: string; entitlements: EntitlementRef[] }[]>(
    `SELECT id, entitlements FROM access_assignment WHERE status = 'active' AND id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid) ORDER BY id`,
    [JSON.stringify(r.changes.assignments)]);
  // Revocable: every system of the assignment that has a revoke task was attested there.
  const revocable = held.filter((a) => a.entitlements.every((e) => attested.has(e.system) || !covered.has(e.system))).map((a) => a.id);
  if (revocable.length > 0) {
    const set = createHash('sha256').update(revocable.join(',')).digest('hex').slice(0, 16);
    await revokeAccess(tx, r.identity_key, { assignmentIds: revocable }, {
      actor: SYSTEM_ACTORS.worker, requestId: r.id, campaignId: c.id, workflowId: c.workflow_id, approvedBy: r.changes.reviewers,
      tasks: tasks.map((t) => ({ taskId: t.id, system: t.system_key, attestedBy: t.completed_by })), reason: 'certification',
      idempotencyKey: `access:certification:${r.id}:revoked:${set}`,
    });
  }
  if (tasks.some((t) => t.status === 'open')) return;
  const [{ n }] = await tx.execute<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM access_assignment WHERE revoked_by_request = ? AND id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid)`,
    [r.id, JSON.stringify(r.changes.assignments)]);
  const total = r.changes.assignments.length;
  const outcome = n === total ? 'revoked' : n === 0 ? 'not_revoked' : 'partly_revoked';
  await tx.execute(`UPDATE request SET status = 'completed', outcome = ?, completed_at = now(), updated_at = now() WHERE id = ?`, [outcome, r.id]);
}
