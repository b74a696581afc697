import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, SYSTEM_ACTORS, type AuditEventInput } from '../libs/audit/ledger';
import { recordAuditEvents } from '../libs/audit/ledger-bulk';
import { campaignCounts, findCampaign, type CampaignCounts, type CampaignRow } from '../libs/certification/campaign-store';
import { sendReminderMail } from '../libs/certification/digest';
import { escalationTarget, fallbackFor, type CampaignStatus, type PersonState, type Routing } from '../libs/domain/certification';
import { sqlCatalog } from '../libs/requests/catalog-adapter';
import type { ReviewPhase } from '../workflows/certification-definitions';
import type { ActivityDeps } from './deps';

interface OpenItem {
  id: string;
  identity_key: string;
  reviewer: string;
  escalation_level: number;
}

interface Move {
  id: string;
  reviewer: string;
  routing: Routing;
  level: number;
  /** Escalation moves only undecided items; a reviewer who left hands over decided ones too (for sign-off). */
  pendingOnly: boolean;
}

/** Items per transaction when the worker changes many at once: the ledger lock is never held long. */
const CHUNK = 2000;

const notFound = (id: string) => ApplicationFailure.nonRetryable(`campaign ${id} not found`, 'CampaignNotFound');
const auditBase = (c: CampaignRow) => ({ actor: SYSTEM_ACTORS.worker, campaignId: c.id, workflowId: c.workflow_id });

/**
 * The review side of a campaign as the workflow drives it: reminder digests, re-routing away from
 * terminated reviewers, the deadline policy, and closing the review. Each item moved or decided
 * by the worker gets its own ledger row (campaign_id set), written in bulk per chunk.
 */
export function createCertificationReviewActivities(deps: ActivityDeps) {
  const fork = () => deps.orm.em.fork();

  async function people(em: EntityManager, keys: string[]): Promise<(k: string) => PersonState | undefined> {
    // The people named, and their managers (escalation goes one level up).
    const rows = await em.execute<PersonState[]>(
      `WITH k AS (SELECT jsonb_array_elements_text(?::jsonb) AS key)
       SELECT key, status, manager FROM identity WHERE key IN (SELECT key FROM k)
          OR key IN (SELECT manager FROM identity WHERE key IN (SELECT key FROM k))`, [JSON.stringify([...new Set(keys)])]);
    const m = new Map(rows.map((r) => [r.key, r]));
    return (k) => m.get(k);
  }

  /** Moves items to new reviewers (flag reviewer_changed, reviewer rows reopened), one ledger row per item. */
  async function moveItems(c: CampaignRow, moves: Move[], action: string, details: (m: Move, from: string) => Record<string, unknown>, key: (m: Move) => string): Promise<number> {
    let moved = 0;
    for (let i = 0; i < moves.length; i += CHUNK) {
      const chunk = moves.slice(i, i + CHUNK);
      moved += await fork().transactional(async (tx) => {
        const rows = await tx.execute<{ id: string; identity_key: string; from: string; reviewer: string }[]>(
          `UPDATE certification_item ci SET reviewer = x.reviewer, routing = x.routing, escalation_level = greatest(ci.escalation_level, x.level),
                  flags = CASE WHEN 'reviewer_changed' = ANY(ci.flags) THEN ci.flags ELSE array_append(ci.flags, 'reviewer_changed') END
             FROM jsonb_to_recordset(?::jsonb) AS x(id uuid, reviewer text, routing text, level int, "pendingOnly" boolean), certification_item prev
            WHERE ci.id = x.id AND prev.id = ci.id AND ci.campaign_id = ? AND ci.reviewer <> x.reviewer
              AND ci.signed_off_at IS NULL AND (NOT x."pendingOnly" OR ci.status = 'pending')
           RETURNING ci.id, ci.identity_key, prev.reviewer AS "from", ci.reviewer`,
          [JSON.stringify(chunk), c.id],
        );
        await tx.execute(
          `INSERT INTO certification_reviewer (campaign_id, reviewer) SELECT ?, r FROM jsonb_array_elements_text(?::jsonb) r
           ON CONFLICT (campaign_id, reviewer) DO UPDATE SET signed_off_at = NULL`,
          [c.id, JSON.stringify([...new Set(rows.map((r) => r.reviewer))])],
        );
        const byId = new Map(chunk.map((m) => [m.id, m]));
        await recordAuditEvents(tx, rows.map((r): AuditEventInput => ({
          ...auditBase(c), action, subject: { type: 'certification_item', id: r.id },
          details: { identity: r.identity_key, to: r.reviewer, ...details(byId.get(r.id)!, r.from) }, idempotencyKey: key(byId.get(r.id)!),
        })));
        return rows.length;
      });
    }
    return moved;
  }

  /** Undecided items get a final status from the worker (policy `keep` or `revoke`, or escalation spent). */
  async function decideByPolicy(c: CampaignRow, status: 'not_reviewed' | 'revoked', reason: string): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await fork().transactional(async (tx) => {
        const rows = await tx.execute<{ id: string; identity_key: string; reviewer: string }[]>(
          `UPDATE certification_item SET status = ?, decided_by = ?, decided_by_name = ?, decided_at = now(), comment = ?
            WHERE id IN (SELECT id FROM certification_item WHERE campaign_id = ? AND status = 'pending' LIMIT ? FOR UPDATE)
           RETURNING id, identity_key, reviewer`,
          [status, SYSTEM_ACTORS.worker.id, SYSTEM_ACTORS.worker.name, reason, c.id, CHUNK],
        );
        await recordAuditEvents(tx, rows.map((r): AuditEventInput => ({
          ...auditBase(c), action: 'certification.decided', subject: { type: 'certification_item', id: r.id },
          details: { decision: status, byPolicy: c.deadline_policy, comment: reason, identity: r.identity_key, reviewer: r.reviewer },
          idempotencyKey: `certification:${r.id}:policy:${status}`,
        })));
        return rows.length;
      });
      total += n;
      if (n < CHUNK) return total;
    }
  }

  return {
    /** One digest per reviewer with pending items (ledger row, and a mail when SMTP is configured). */
    async sendReminderDigests(input: { campaignId: string; index: number; dueAt: string }): Promise<number> {
      const em = fork();
      const c = await findCampaign(em, input.campaignId);
      if (!c) throw notFound(input.campaignId);
      const rows = await em.execute<{ reviewer: string; pending: number; email: string | null; name: string }[]>(
        `SELECT i.reviewer, count(*)::int AS pending, p.email, p.name FROM certification_item i JOIN identity p ON p.key = i.reviewer
          WHERE i.campaign_id = ? AND i.status = 'pending' GROUP BY i.reviewer, p.email, p.name ORDER BY i.reviewer`, [c.id]);
      await em.fork().transactional(async (tx) => {
        await tx.execute(`UPDATE certification_reviewer SET reminders = greatest(reminders, ?) WHERE campaign_id = ?
                            AND reviewer IN (SELECT jsonb_array_elements_text(?::jsonb))`, [input.index + 1, c.id, JSON.stringify(rows.map((r) => r.reviewer))]);
        await recordAuditEvents(tx, rows.map((r): AuditEventInput => ({
          ...auditBase(c), action: 'certification.reminder_sent', subject: { type: 'identity', id: r.reviewer },
          details: { reminder: input.index + 1, pending: r.pending, dueAt: input.dueAt, email: r.email },
          idempotencyKey: `certification:${c.id}:reminder:${input.index}:${r.reviewer}`,
        })));
      });
      if (deps.config.tickets.smtpUrl) {
        for (const r of rows) if (r.email) await sendReminderMail(deps.config, { campaign: c, reviewer: r, index: input.index });
      }
      return rows.length;
    },

    /** Items of reviewers who left (terminated) and have not signed off go to the fallback, audited. */
    async rerouteTerminatedReviewers(input: { campaignId: string }): Promise<number> {
      const em = fork();
      const c = await findCampaign(em, input.campaignId);
      if (!c) throw notFound(input.campaignId);
      if (c.status !== 'active') return 0;
      const items = await em.execute<OpenItem[]>(
        `SELECT i.id, i.identity_key, i.reviewer, i.escalation_level FROM certification_item i JOIN identity p ON p.key = i.reviewer
          WHERE i.campaign_id = ? AND i.signed_off_at IS NULL AND p.status <> 'active'`, [c.id]);
      if (items.length === 0) return 0;
      const admins = await sqlCatalog.admins(em);
      const lookup = await people(em, [c.fallback_reviewer, ...admins]);
      const moves = items.flatMap((i): Move[] => {
        const to = fallbackFor(i.identity_key, c.fallback_reviewer, lookup, admins);
        return to && to !== i.reviewer ? [{ id: i.id, reviewer: to, routing: 'rerouted_terminated', level: i.escalation_level, pendingOnly: false }] : [];
      });
      return moveItems(c, moves, 'certification.rerouted', (_m, from) => ({ from, reason: 'reviewer_terminated' }),
        (m) => `certification:${m.id}:rerouted:${m.reviewer}`);
    },

    /** The current phase's deadline passed: apply the campaign's policy to every undecided item. */
    async applyDeadline(input: { campaignId: string; stage: 0 | 1 | 2 }): Promise<{ next: ReviewPhase; affected: number }> {
      const em = fork();
      const c = await findCampaign(em, input.campaignId);
      if (!c) throw notFound(input.campaignId);
      if (c.status !== 'active') return { next: 'closed', affected: 0 };
      if (c.deadline_policy === 'keep') return { next: 'closed', affected: await decideByPolicy(c, 'not_reviewed', 'deadline passed: not reviewed, access kept (policy keep)') };
      if (c.deadline_policy === 'revoke') return { next: 'closed', affected: await decideByPolicy(c, 'revoked', 'deadline passed: revoked (policy revoke)') };
      if (input.stage === 2) return { next: 'closed', affected: await decideByPolicy(c, 'not_reviewed', 'escalation spent: not reviewed, access kept') };
      const level = (input.stage + 1) as 1 | 2;
      const items = await em.execute<OpenItem[]>(
        `SELECT id, identity_key, reviewer, escalation_level FROM certification_item WHERE campaign_id = ? AND status = 'pending' AND escalation_level < ?`,
        [c.id, level]);
      if (items.length === 0 && input.stage === 0) {
        const [left] = await em.execute<{ n: number }[]>(`SELECT count(*)::int AS n FROM certification_item WHERE campaign_id = ? AND status = 'pending'`, [c.id]);
        if (left.n === 0) return { next: 'closed', affected: 0 };
      }
      const admins = await sqlCatalog.admins(em);
      const lookup = await people(em, [c.fallback_reviewer, ...admins, ...items.map((i) => i.reviewer)]);
      const moves = items.flatMap((i): Move[] => {
        const to = escalationTarget({ level, reviewer: i.reviewer, subject: i.identity_key, fallback: c.fallback_reviewer, people: lookup, admins });
        return to ? [{ id: i.id, reviewer: to.reviewer, routing: to.routing, level, pendingOnly: true }] : [];
      });
      const affected = await moveItems(c, moves, 'certification.escalated', (m, from) => ({ from, level: m.level, routing: m.routing }),
        (m) => `certification:${m.id}:escalated:${m.level}`);
      return { next: level === 1 ? 'escalated_manager' : 'escalated_fallback', affected };
    },

    /** Review over: `remediating` when anything was revoked, else `completed`. */
    async closeReview(input: { campaignId: string }): Promise<{ status: CampaignStatus; counts: CampaignCounts }> {
      return fork().transactional(async (tx) => {
        const c = await findCampaign(tx, input.campaignId, 'update');
        if (!c) throw notFound(input.campaignId);
        const counts = await campaignCounts(tx, c.id);
        if (c.status !== 'active') return { status: c.status, counts };
        const status: CampaignStatus = counts.revoked > 0 ? 'remediating' : 'completed';
        const unsigned = await tx.execute<{ reviewer: string }[]>(
          `SELECT r.reviewer FROM certification_reviewer r WHERE r.campaign_id = ? AND r.signed_off_at IS NULL
              AND EXISTS (SELECT 1 FROM certification_item i WHERE i.campaign_id = r.campaign_id AND i.reviewer = r.reviewer) ORDER BY 1`, [c.id]);
        await tx.execute(
          `UPDATE certification_campaign SET status = ?, review_closed_at = now(), completed_at = CASE WHEN ? THEN now() END,
                  outcome = CASE WHEN ? THEN 'completed' END, updated_at = now() WHERE id = ?`,
          [status, status === 'completed', status === 'completed', c.id]);
        await recordAuditEvent(tx, {
          ...auditBase(c), action: 'certification.review_closed', subject: { type: 'certification_campaign', id: c.id },
          details: { status, counts, reviewersNotSignedOff: unsigned.map((u) => u.reviewer) }, idempotencyKey: `certification:${c.id}:review-closed`,
        });
        if (status === 'completed') {
          await recordAuditEvent(tx, { ...auditBase(c), action: 'certification.completed', subject: { type: 'certification_campaign', id: c.id },
            details: { counts, revokes: 0 }, idempotencyKey: `certification:${c.id}:completed` });
        }
        return { status, counts };
      });
    },
  };
}

export type CertificationReviewActivities = ReturnType<typeof createCertificationReviewActivities>;
