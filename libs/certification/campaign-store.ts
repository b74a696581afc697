import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, type AuditActor } from '../audit/ledger';
import type { CampaignScopeType, CampaignStatus, DeadlinePolicy, ReviewerKind } from '../domain/certification';
import type { CampaignDef } from './generation';

/** A campaign row as stored (table `certification_campaign`, ADR 060). */
export interface CampaignRow {
  id: string;
  name: string;
  status: CampaignStatus;
  scope_type: CampaignScopeType;
  scope_key: string | null;
  reviewer_kind: ReviewerKind;
  fallback_reviewer: string;
  due_at: Date;
  deadline_policy: DeadlinePolicy;
  schedule_id: string | null;
  workflow_id: string;
  created_by: string;
  created_by_name: string;
  outcome: string | null;
  created_at: Date;
  activated_at: Date | null;
  review_closed_at: Date | null;
  completed_at: Date | null;
}

export const campaignWorkflowId = (campaignId: string) => `certification-${campaignId}`;

export async function findCampaign(em: EntityManager, id: string, lock: 'update' | 'share' | null = null): Promise<CampaignRow | null> {
  const [row] = await em.execute<CampaignRow[]>(
    `SELECT * FROM certification_campaign WHERE id = ? ${lock === 'update' ? 'FOR UPDATE' : lock === 'share' ? 'FOR SHARE' : ''}`, [id]);
  return row ?? null;
}

export function campaignDef(c: CampaignRow): CampaignDef {
  return {
    id: c.id, scopeType: c.scope_type, scopeKey: c.scope_key, reviewerKind: c.reviewer_kind,
    fallbackReviewer: c.fallback_reviewer, launchedAt: new Date(c.created_at).toISOString(),
  };
}

export interface NewCampaign {
  id: string;
  name: string;
  scopeType: CampaignScopeType;
  scopeKey: string | null;
  reviewerKind: ReviewerKind;
  fallbackReviewer: string;
  dueAt: string;
  deadlinePolicy: DeadlinePolicy;
  scheduleId: string | null;
  by: AuditActor;
}

/**
 * Records a new campaign (status `generating`) with its `certification.created` event, in the
 * caller's transaction. Idempotent on the id: a retried start finds the row and writes nothing.
 */
export async function insertCampaign(tx: EntityManager, c: NewCampaign): Promise<boolean> {
  const workflowId = campaignWorkflowId(c.id);
  const rows = await tx.execute<{ id: string }[]>(
    `INSERT INTO certification_campaign (id, name, status, scope_type, scope_key, reviewer_kind, fallback_reviewer, due_at,
            deadline_policy, schedule_id, workflow_id, created_by, created_by_name)
     VALUES (?, ?, 'generating', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [c.id, c.name, c.scopeType, c.scopeKey, c.reviewerKind, c.fallbackReviewer, c.dueAt, c.deadlinePolicy, c.scheduleId, workflowId, c.by.id, c.by.name],
  );
  if (rows.length === 0) return false;
  await recordAuditEvent(tx, {
    actor: c.by, action: 'certification.created', subject: { type: 'certification_campaign', id: c.id }, campaignId: c.id, workflowId,
    details: { name: c.name, scope: { type: c.scopeType, key: c.scopeKey }, reviewer: c.reviewerKind, fallbackReviewer: c.fallbackReviewer,
      dueAt: c.dueAt, deadlinePolicy: c.deadlinePolicy, scheduleId: c.scheduleId },
    idempotencyKey: `certification:${c.id}:created`,
  });
  return true;
}

/** Live counts of a campaign, from its items (indexed by campaign and status). */
export interface CampaignCounts {
  total: number;
  pending: number;
  certified: number;
  revoked: number;
  notReviewed: number;
}

export async function campaignCounts(em: EntityManager, id: string): Promise<CampaignCounts> {
  const rows = await em.execute<{ status: string; n: number }[]>(
    'SELECT status, count(*)::int AS n FROM certification_item WHERE campaign_id = ? GROUP BY status', [id]);
  const n = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  return {
    total: rows.reduce((a, r) => a + r.n, 0), pending: n('pending'), certified: n('certified'), revoked: n('revoked'), notReviewed: n('not_reviewed'),
  };
}

export interface ReviewerProgress {
  reviewer: string;
  total: number;
  pending: number;
  signedOffAt: string | null;
}

/** Per reviewer: items now theirs, pending ones, and the sign-off (if any), busiest first. */
export async function reviewerProgress(em: EntityManager, id: string, limit = 10_000): Promise<ReviewerProgress[]> {
  const rows = await em.execute<{ reviewer: string; total: number; pending: number; signed_off_at: Date | null }[]>(
    `SELECT r.reviewer, count(i.id)::int AS total, count(i.id) FILTER (WHERE i.status = 'pending')::int AS pending, r.signed_off_at
       FROM certification_reviewer r LEFT JOIN certification_item i ON i.campaign_id = r.campaign_id AND i.reviewer = r.reviewer
      WHERE r.campaign_id = ? GROUP BY r.reviewer, r.signed_off_at
     HAVING count(i.id) > 0 ORDER BY pending DESC, r.reviewer LIMIT ?`,
    [id, limit],
  );
  return rows.map((r) => ({ reviewer: r.reviewer, total: r.total, pending: r.pending, signedOffAt: r.signed_off_at ? new Date(r.signed_off_at).toISOString() : null }));
}
