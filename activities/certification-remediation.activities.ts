import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { revokeAccess } from '../libs/access/access-writer';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { campaignCounts, findCampaign, type CampaignRow } from '../libs/certification/campaign-store';
import type { EntitlementRef } from '../libs/domain/access';
import type { CampaignStatus } from '../libs/domain/certification';
import { deprovisionDueAt } from '../libs/domain/sla';
import { sqlCatalog } from '../libs/requests/catalog-adapter';
import { openTasks, type TaskPlan } from '../libs/requests/open-tasks';
import type { ActivityDeps } from './deps';

/** A remediation task as the workflow supervises it (plain JSON). */
export interface RemediationTask {
  taskId: string;
  system: string;
  dueAt: string;
  status: 'open' | 'done' | 'cancelled';
  escalationLevel: number;
}

interface RevokedItem {
  id: string;
  identity_key: string;
  assignment_id: string;
  system_key: string;
  decided_by: string | null;
}

/** Identities whose remediation request is opened per transaction (bounded ledger lock time). */
const IDENTITIES_PER_TX = 100;
const notFound = (id: string) => ApplicationFailure.nonRetryable(`campaign ${id} not found`, 'CampaignNotFound');

/**
 * Remediation of a campaign's revokes on the one task path (ADR 050 and 060): per identity, one
 * `certification` request (status `deprovisioning`, workflow id `certification-<campaignId>`)
 * whose revoke tasks, one per system of each revoked assignment, are opened by `openTasks`,
 * delivered by `deliverTaskTicket` (ticket kind `certification`), escalated by the shared loop and
 * attested by the owners (`POST /tasks/{id}/complete`). When every task of the identity is
 * closed, the access writer revokes the assignments (`access.revoked`, campaign id set).
 */
export function createCertificationRemediationActivities(deps: ActivityDeps) {
  const fork = () => deps.orm.em.fork();

  const tasksOf = async (em: EntityManager, campaignId: string): Promise<RemediationTask[]> => {
    const rows = await em.execute<{ id: string; system_key: string; due_at: Date; status: RemediationTask['status']; escalation_level: number }[]>(
      `SELECT t.id, t.system_key, t.due_at, t.status, t.escalation_level FROM task t WHERE t.campaign_id = ? ORDER BY t.identity_key, t.system_key`, [campaignId]);
    return rows.map((r) => ({ taskId: r.id, system: r.system_key, dueAt: new Date(r.due_at).toISOString(), status: r.status, escalationLevel: r.escalation_level }));
  };

  async function openFor(tx: EntityManager, c: CampaignRow, identity: string, items: RevokedItem[]): Promise<void> {
    const done = await tx.execute(`SELECT 1 FROM request WHERE kind = 'certification' AND identity_key = ? AND changes->>'campaignId' = ?`, [identity, c.id]);
    if (done.length > 0) return;
    const assignmentIds = [...new Set(items.map((i) => i.assignment_id))];
    const held = await tx.execute<{ id: string; entitlements: EntitlementRef[] }[]>(
      `SELECT id, entitlements FROM access_assignment WHERE status = 'active' AND id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid)`,
      [JSON.stringify(assignmentIds)]);
    const bySystem = new Map<string, Set<string>>();
    for (const a of held) for (const e of a.entitlements) bySystem.set(e.system, (bySystem.get(e.system) ?? new Set()).add(e.entitlement));
    const requestId = randomUUID();
    const reviewers = [...new Set(items.map((i) => i.decided_by).filter((x): x is string => !!x))].sort();
    await tx.execute(
      `INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, justification, changes, workflow_id)
       VALUES (?, 'certification', ?, ?, 'system', ?, ?, ?, ?::jsonb, ?)`,
      [requestId, held.length > 0 ? 'deprovisioning' : 'completed', identity, SYSTEM_ACTORS.worker.id, SYSTEM_ACTORS.worker.name,
        `certification campaign "${c.name}": revoked by ${reviewers.join(', ') || 'the deadline policy'}`,
        JSON.stringify({ campaignId: c.id, items: items.map((i) => i.id), assignments: held.map((a) => a.id), reviewers }), c.workflow_id]);
    await recordAuditEvent(tx, {
      actor: SYSTEM_ACTORS.worker, action: 'request.created', subject: { type: 'request', id: requestId }, requestId, campaignId: c.id, workflowId: c.workflow_id,
      details: { kind: 'certification', identity, items: items.map((i) => i.id), assignments: held.map((a) => a.id), alreadyRemoved: assignmentIds.length - held.length },
      idempotencyKey: `request:${requestId}:created`,
    });
    if (bySystem.size === 0) return;
    const systems = await sqlCatalog.systems(tx, [...bySystem.keys()]);
    const now = new Date();
    const plans: TaskPlan[] = systems.sort((a, b) => (a.key < b.key ? -1 : 1)).map((s) => ({
      system: s.key, action: 'revoke', entitlements: [...bySystem.get(s.key)!].sort(), channel: s.channel, dueAt: deprovisionDueAt(now, s.deprovisionSlaHours),
    }));
    const opened = await openTasks(tx, { requestId, workflowId: c.workflow_id, identityKey: identity, campaignId: c.id }, plans);
    await tx.execute(
      `UPDATE certification_item ci SET task_id = x."taskId" FROM jsonb_to_recordset(?::jsonb) AS x("taskId" uuid, system text)
        WHERE ci.campaign_id = ? AND ci.identity_key = ? AND ci.status = 'revoked' AND ci.system_key = x.system`,
      [JSON.stringify(opened.map((t) => ({ taskId: t.taskId, system: t.system }))), c.id, identity]);
  }

  return {
    /** Opens every revoke's request and tasks (idempotent) and returns the campaign's remediation tasks. */
    async openRemediation(input: { campaignId: string }): Promise<{ tasks: RemediationTask[] }> {
      const em = fork();
      const c = await findCampaign(em, input.campaignId);
      if (!c) throw notFound(input.campaignId);
      const items = await em.execute<RevokedItem[]>(
        `SELECT id, identity_key, assignment_id, system_key, decided_by FROM certification_item WHERE campaign_id = ? AND status = 'revoked' ORDER BY identity_key`, [c.id]);
      const byIdentity = new Map<string, RevokedItem[]>();
      for (const i of items) byIdentity.set(i.identity_key, [...(byIdentity.get(i.identity_key) ?? []), i]);
      const identities = [...byIdentity.keys()];
      for (let k = 0; k < identities.length; k += IDENTITIES_PER_TX) {
        await em.fork().transactional(async (tx) => {
          for (const identity of identities.slice(k, k + IDENTITIES_PER_TX)) await openFor(tx, c, identity, byIdentity.get(identity)!);
        });
      }
      await em.fork().transactional(async (tx) => {
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.worker, action: 'certification.remediation_started', subject: { type: 'certification_campaign', id: c.id },
          campaignId: c.id, workflowId: c.workflow_id, details: { revokedItems: items.length, identities: identities.length },
          idempotencyKey: `certification:${c.id}:remediation-started`,
        });
      });
      return { tasks: await tasksOf(em, c.id) };
    },

    /**
     * Every remediation request whose tasks are all closed: the access writer revokes its
     * assignments (naming the reviewers and the attesting owners) and the request completes.
     */
    async settleRemediation(input: { campaignId: string }): Promise<{ settled: number; open: number }> {
      const em = fork();
      const c = await findCampaign(em, input.campaignId);
      if (!c) throw notFound(input.campaignId);
      const ready = await em.execute<{ id: string; identity_key: string; changes: { assignments: string[]; reviewers: string[] } }[]>(
        `SELECT r.id, r.identity_key, r.changes FROM request r WHERE r.kind = 'certification' AND r.changes->>'campaignId' = ? AND r.status = 'deprovisioning'
            AND NOT EXISTS (SELECT 1 FROM task t WHERE t.request_id = r.id AND t.status = 'open')`, [c.id]);
      for (const r of ready) {
        await em.fork().transactional(async (tx) => {
          const [locked] = await tx.execute<{ status: string }[]>('SELECT status FROM request WHERE id = ? FOR UPDATE', [r.id]);
          if (locked?.status !== 'deprovisioning') return;
          const tasks = await tx.execute<{ id: string; system_key: string; status: string; completed_by: string | null }[]>(
            'SELECT id, system_key, status, completed_by FROM task WHERE request_id = ? ORDER BY system_key', [r.id]);
          // Only access whose every system's revoke was attested is recorded as revoked: a
          // cancelled task is closed but carried nothing out (the access stays, and says so).
          const attestedSystems = new Set(tasks.filter((t) => t.status === 'done').map((t) => t.system_key));
          const closedSystems = new Set(tasks.map((t) => t.system_key));
          const held = await tx.execute<{ id: string; entitlements: EntitlementRef[] }[]>(
            `SELECT id, entitlements FROM access_assignment WHERE id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid)`, [JSON.stringify(r.changes.assignments)]);
          const revocable = held.filter((a) => a.entitlements.every((e) => attestedSystems.has(e.system) || !closedSystems.has(e.system))).map((a) => a.id);
          const outcome = revocable.length === held.length ? 'revoked' : revocable.length === 0 ? 'not_revoked' : 'partly_revoked';
          await tx.execute(`UPDATE request SET status = 'completed', outcome = ?, completed_at = now(), updated_at = now() WHERE id = ?`, [outcome, r.id]);
          if (revocable.length === 0) return;
          await revokeAccess(tx, r.identity_key, { assignmentIds: revocable }, {
            actor: SYSTEM_ACTORS.worker, requestId: r.id, campaignId: c.id, workflowId: c.workflow_id, approvedBy: r.changes.reviewers,
            tasks: tasks.map((t) => ({ taskId: t.id, system: t.system_key, attestedBy: t.completed_by })), reason: 'certification',
            idempotencyKey: `access:certification:${r.id}:revoked`,
          });
        });
      }
      const [open] = await em.execute<{ n: number }[]>(`SELECT count(*)::int AS n FROM task WHERE campaign_id = ? AND status = 'open'`, [c.id]);
      return { settled: ready.length, open: open.n };
    },

    async completeCampaign(input: { campaignId: string }): Promise<{ status: CampaignStatus }> {
      return fork().transactional(async (tx) => {
        const c = await findCampaign(tx, input.campaignId, 'update');
        if (!c) throw notFound(input.campaignId);
        if (c.status !== 'remediating') return { status: c.status };
        await tx.execute(`UPDATE certification_campaign SET status = 'completed', outcome = 'completed', completed_at = now(), updated_at = now() WHERE id = ?`, [c.id]);
        const tasks = await tx.execute<{ status: string; n: number }[]>('SELECT status, count(*)::int AS n FROM task WHERE campaign_id = ? GROUP BY status', [c.id]);
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.worker, action: 'certification.completed', subject: { type: 'certification_campaign', id: c.id },
          campaignId: c.id, workflowId: c.workflow_id, details: { counts: await campaignCounts(tx, c.id), tasks: Object.fromEntries(tasks.map((t) => [t.status, t.n])) },
          idempotencyKey: `certification:${c.id}:completed`,
        });
        return { status: 'completed' as const };
      });
    },
  };
}

export type CertificationRemediationActivities = ReturnType<typeof createCertificationRemediationActivities>;
