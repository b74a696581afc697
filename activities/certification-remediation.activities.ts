import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { campaignCounts, findCampaign, type CampaignRow } from '../libs/certification/campaign-store';
import { SETTLE_BATCH, settleAttested } from '../libs/certification/remediation-settle';
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
 * attested by the owners (`POST /tasks/{id}/complete`). As soon as the tasks of an assignment are
 * attested, the access writer revokes it (`access.revoked`, campaign id set; ADR 130).
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

  /** Opens every revoked item's request and tasks, per identity, in transactions of IDENTITIES_PER_TX (idempotent). */
  async function openAll(em: EntityManager, campaignId: string): Promise<CampaignRow> {
    const c = await findCampaign(em, campaignId);
    if (!c) throw notFound(campaignId);
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
    return c;
  }

  return {
    /**
     * Opens every revoke's request and tasks (idempotent) and returns the campaign's remediation
     * tasks. Legacy: only executions that began remediation before ADR 130 call it (their
     * workflow holds the tasks); newer ones call `openRemediationCounts`.
     */
    async openRemediation(input: { campaignId: string }): Promise<{ tasks: RemediationTask[] }> {
      const em = fork();
      const c = await openAll(em, input.campaignId);
      return { tasks: await tasksOf(em, c.id) };
    },

    /** Opens every revoke's request and tasks (idempotent); returns how many tasks and how many are open. */
    async openRemediationCounts(input: { campaignId: string }): Promise<{ tasks: number; open: number }> {
      const em = fork();
      const c = await openAll(em, input.campaignId);
      const [n] = await em.execute<{ tasks: number; open: number }[]>(
        `SELECT count(*)::int AS tasks, count(*) FILTER (WHERE status = 'open')::int AS open FROM task WHERE campaign_id = ?`, [c.id]);
      return n;
    },

    /**
     * Settles every remediation request as far as its tasks allow (libs/certification/remediation-settle.ts):
     * attested assignments revoked by the access writer, requests with no open task completed.
     */
    async settleRemediation(input: { campaignId: string }): Promise<{ settled: number; open: number }> {
      const em = fork();
      const c = await findCampaign(em, input.campaignId);
      if (!c) throw notFound(input.campaignId);
      let settled = 0;
      for (;;) {
        const n = await settleAttested(em.fork(), c);
        settled += n;
        if (n < SETTLE_BATCH) break;
      }
      const [open] = await em.execute<{ n: number }[]>(`SELECT count(*)::int AS n FROM task WHERE campaign_id = ? AND status = 'open'`, [c.id]);
      return { settled, open: open.n };
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
