import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { campaignCounts, campaignDef, findCampaign, insertCampaign, reviewerProgress, type CampaignCounts, type ReviewerProgress } from '../libs/certification/campaign-store';
import { insertItems, loadLookups, planBatch, subjectBatch } from '../libs/certification/generation';
import { preflight } from '../libs/certification/preflight';
import type { CampaignStatus } from '../libs/domain/certification';
import type { ScheduledCampaignInput } from '../workflows/certification-definitions';
import type { ActivityDeps } from './deps';

export interface CampaignInfo {
  id: string;
  name: string;
  status: CampaignStatus;
  dueAt: string;
  deadlinePolicy: 'escalate' | 'revoke' | 'keep';
  createdAt: string;
}

export interface CampaignProgress {
  status: CampaignStatus;
  counts: CampaignCounts;
  /** Every reviewer with items has signed off (and nothing is pending). */
  allSignedOff: boolean;
  /** The busiest reviewers by pending items (the live-state query shows these). */
  pendingByReviewer: ReviewerProgress[];
}

const notFound = (id: string) => ApplicationFailure.nonRetryable(`campaign ${id} not found`, 'CampaignNotFound');

/**
 * Campaign activities: each one use case, its own fork, one transaction with its ledger rows
 * (campaign_id on every one), idempotent on retry. Items are written in bulk, never carried in
 * workflow state: activities return counts and cursors only.
 */
export function createCertificationActivities(deps: ActivityDeps) {
  const fork = () => deps.orm.em.fork();

  return {
    /** The campaign as the workflow needs it; a scheduled run first records its campaign row. */
    async openCampaign(input: { campaignId: string; scheduled: ScheduledCampaignInput | null }): Promise<CampaignInfo> {
      if (input.scheduled) await openScheduledCampaign(input.campaignId, input.scheduled);
      const c = await findCampaign(fork(), input.campaignId);
      if (!c) throw notFound(input.campaignId);
      return {
        id: c.id, name: c.name, status: c.status, dueAt: new Date(c.due_at).toISOString(), deadlinePolicy: c.deadline_policy,
        createdAt: new Date(c.created_at).toISOString(),
      };
    },

    /** One batch of subjects (by identity key after `after`): plan, write in one INSERT, audit the batch with a digest. */
    async generateCampaignBatch(input: { campaignId: string; after: string | null; batchSize: number }): Promise<{ inserted: number; after: string | null }> {
      const em = fork();
      const c = await findCampaign(em, input.campaignId);
      if (!c) throw notFound(input.campaignId);
      if (c.status !== 'generating') return { inserted: 0, after: null };
      const def = campaignDef(c);
      const subjects = await subjectBatch(em, def, input.after, input.batchSize);
      if (subjects.length === 0) return { inserted: 0, after: null };
      const items = await planBatch(em, def, await loadLookups(em), subjects);
      const last = subjects[subjects.length - 1].key;
      const digest = createHash('sha256');
      for (const i of items) digest.update(`${i.assignmentId}|${i.systemKey}|${i.entitlements.join(',')}|${i.reviewer}|${i.flags.join(',')}\n`);
      const inserted = await em.fork().transactional(async (tx) => {
        const n = await insertItems(tx, c.id, items);
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.worker, action: 'certification.items_generated', subject: { type: 'certification_campaign', id: c.id },
          campaignId: c.id, workflowId: c.workflow_id,
          details: { subjects: subjects.length, items: items.length, inserted: n, from: subjects[0].key, to: last, sha256: digest.digest('hex') },
          idempotencyKey: `certification:${c.id}:generated:${input.after ?? ''}`,
        });
        return n;
      });
      return { inserted, after: subjects.length < input.batchSize ? null : last };
    },

    async activateCampaign(input: { campaignId: string }): Promise<CampaignCounts> {
      return fork().transactional(async (tx) => {
        const c = await findCampaign(tx, input.campaignId, 'update');
        if (!c) throw notFound(input.campaignId);
        const counts = await campaignCounts(tx, c.id);
        if (c.status !== 'generating') return counts;
        await tx.execute(`UPDATE certification_campaign SET status = 'active', activated_at = now(), updated_at = now() WHERE id = ?`, [c.id]);
        const reviewers = await tx.execute<{ n: number }[]>('SELECT count(*)::int AS n FROM certification_reviewer WHERE campaign_id = ?', [c.id]);
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.worker, action: 'certification.activated', subject: { type: 'certification_campaign', id: c.id },
          campaignId: c.id, workflowId: c.workflow_id, details: { items: counts.total, reviewers: reviewers[0]?.n ?? 0 },
          idempotencyKey: `certification:${c.id}:activated`,
        });
        return counts;
      });
    },

    async campaignProgress(input: { campaignId: string; top: number }): Promise<CampaignProgress> {
      const em = fork();
      const c = await findCampaign(em, input.campaignId);
      if (!c) throw notFound(input.campaignId);
      const [counts, open] = await Promise.all([
        campaignCounts(em, c.id),
        em.execute<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM certification_reviewer r WHERE r.campaign_id = ? AND r.signed_off_at IS NULL
              AND EXISTS (SELECT 1 FROM certification_item i WHERE i.campaign_id = r.campaign_id AND i.reviewer = r.reviewer)`, [c.id]),
      ]);
      const pendingByReviewer = (await reviewerProgress(em, c.id, input.top)).filter((r) => r.pending > 0);
      return { status: c.status, counts, allSignedOff: counts.pending === 0 && (open[0]?.n ?? 0) === 0, pendingByReviewer };
    },
  };

  async function openScheduledCampaign(campaignId: string, s: ScheduledCampaignInput): Promise<void> {
    const em = fork();
    if (await findCampaign(em, campaignId)) return;
    const def = { id: campaignId, scopeType: s.campaign.scope.type, scopeKey: s.campaign.scope.key ?? null, reviewerKind: s.campaign.reviewer,
      fallbackReviewer: s.campaign.fallbackReviewer, launchedAt: new Date().toISOString() };
    const dueAt = new Date(Date.now() + s.reviewDays * 86_400_000).toISOString();
    const report = await preflight(em, def, { deadlinePolicy: s.campaign.deadlinePolicy, dueAt, escalationWindow: deps.config.certification.escalationWindow });
    await em.fork().transactional(async (tx) => {
      const created = await insertCampaign(tx, {
        id: campaignId, name: s.campaign.name, scopeType: def.scopeType, scopeKey: def.scopeKey, reviewerKind: def.reviewerKind,
        fallbackReviewer: def.fallbackReviewer, dueAt, deadlinePolicy: s.campaign.deadlinePolicy, scheduleId: s.scheduleId, by: SYSTEM_ACTORS.scheduler,
      });
      if (!created || report.canStart) return;
      // The schedule fired but this run cannot start: recorded, visible, never silently skipped.
      await tx.execute(`UPDATE certification_campaign SET status = 'cancelled', outcome = 'preflight_failed', completed_at = now(), updated_at = now() WHERE id = ?`, [campaignId]);
      await recordAuditEvent(tx, {
        actor: SYSTEM_ACTORS.scheduler, action: 'certification.cancelled', subject: { type: 'certification_campaign', id: campaignId },
        campaignId, workflowId: `certification-${campaignId}`, details: { reason: 'preflight_failed', problems: report.problems },
        idempotencyKey: `certification:${campaignId}:cancelled`,
      });
    });
  }
}

export type CertificationActivities = ReturnType<typeof createCertificationActivities>;
