import { ApplicationFailure } from '@temporalio/common';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { campaignCounts, findCampaign } from '../libs/certification/campaign-store';
import type { CampaignStatus } from '../libs/domain/certification';
import type { ActivityDeps } from './deps';

const notFound = (id: string) => ApplicationFailure.nonRetryable(`campaign ${id} not found`, 'CampaignNotFound');

/**
 * Remediation of a campaign's revokes. A revoked item is remediated when the revoke task that
 * carries it out is attested (task `done`); the campaign stays `remediating` until every one is.
 */
export function createCertificationRemediationActivities(deps: ActivityDeps) {
  const fork = () => deps.orm.em.fork();

  const progress = async (campaignId: string) => {
    const [r] = await fork().execute<{ tasks: number; open: number }[]>(
      `SELECT count(*)::int AS tasks, count(*) FILTER (WHERE t.status IS DISTINCT FROM 'done')::int AS open
         FROM certification_item i LEFT JOIN task t ON t.id = i.task_id
        WHERE i.campaign_id = ? AND i.status = 'revoked'`, [campaignId]);
    return { tasks: r?.tasks ?? 0, open: r?.open ?? 0 };
  };

  return {
    async openRemediation(input: { campaignId: string }): Promise<{ tasks: number }> {
      await fork().transactional(async (tx) => {
        const c = await findCampaign(tx, input.campaignId, 'update');
        if (!c) throw notFound(input.campaignId);
        const counts = await campaignCounts(tx, c.id);
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.worker, action: 'certification.remediation_started', subject: { type: 'certification_campaign', id: c.id },
          campaignId: c.id, workflowId: c.workflow_id, details: { revokes: counts.revoked }, idempotencyKey: `certification:${c.id}:remediation-started`,
        });
      });
      return { tasks: (await progress(input.campaignId)).tasks };
    },

    async remediationProgress(input: { campaignId: string }): Promise<{ tasks: number; open: number }> {
      return progress(input.campaignId);
    },

    async completeCampaign(input: { campaignId: string }): Promise<{ status: CampaignStatus }> {
      return fork().transactional(async (tx) => {
        const c = await findCampaign(tx, input.campaignId, 'update');
        if (!c) throw notFound(input.campaignId);
        if (c.status !== 'remediating') return { status: c.status };
        await tx.execute(`UPDATE certification_campaign SET status = 'completed', outcome = 'completed', completed_at = now(), updated_at = now() WHERE id = ?`, [c.id]);
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.worker, action: 'certification.completed', subject: { type: 'certification_campaign', id: c.id },
          campaignId: c.id, workflowId: c.workflow_id, details: { counts: await campaignCounts(tx, c.id), remediation: await progress(c.id) },
          idempotencyKey: `certification:${c.id}:completed`,
        });
        return { status: 'completed' as const };
      });
    },
  };
}

export type CertificationRemediationActivities = ReturnType<typeof createCertificationRemediationActivities>;
