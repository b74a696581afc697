import type { EntityManager } from '@mikro-orm/postgresql';
import { AUDIT_ROW_COLUMNS, toAuditRow, type AuditRawRow, type AuditRow } from '../audit/query';

/**
 * A certification campaign as the evidence pack tells it (tables of ADR 060): the campaign, its
 * items (access at launch, one per assignment and system), each decision, and the remediation
 * task of every revoked item.
 */
export interface PackCampaign {
  id: string;
  name: string;
  status: string;
  scope: string;
  reviewerKind: string;
  fallbackReviewer: string;
  deadlinePolicy: string;
  dueAt: string;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  activatedAt: string | null;
  reviewClosedAt: string | null;
  completedAt: string | null;
  outcome: string | null;
}

export interface PackItem {
  id: string;
  identity: string;
  identityName: string;
  role: string;
  roleVersion: number;
  system: string;
  entitlements: string[];
  provenance: string;
  flags: string[];
  reviewer: string;
  routing: string;
  status: string;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  comment: string | null;
  signedOffAt: string | null;
  task: { id: string; status: string; dueAt: string; completedBy: string | null; completedByName: string | null; completedAt: string | null; externalRef: string | null } | null;
}

const iso = (v: Date | string | null | undefined): string | null => (v == null ? null : new Date(v).toISOString());

/** Whether certification's tables exist (campaign packs need them). */
export async function campaignsAvailable(em: EntityManager): Promise<boolean> {
  const rows = await em.execute<{ ok: boolean }[]>(`SELECT to_regclass('certification_item') IS NOT NULL AS ok`, [], 'all');
  return rows[0]?.ok === true;
}

export async function findPackCampaign(em: EntityManager, id: string): Promise<PackCampaign | null> {
  const rows = await em.execute<Record<string, never>[]>('SELECT * FROM certification_campaign WHERE id = ?', [id], 'all');
  const c = rows[0];
  if (!c) return null;
  return {
    id: c.id, name: c.name, status: c.status, scope: c.scope_key ? `${c.scope_type} ${c.scope_key}` : c.scope_type,
    reviewerKind: c.reviewer_kind, fallbackReviewer: c.fallback_reviewer, deadlinePolicy: c.deadline_policy, dueAt: iso(c.due_at) as string,
    createdBy: c.created_by, createdByName: c.created_by_name, createdAt: iso(c.created_at) as string, activatedAt: iso(c.activated_at),
    reviewClosedAt: iso(c.review_closed_at), completedAt: iso(c.completed_at), outcome: c.outcome,
  };
}

/** Every item of the campaign with its remediation task, by identity, role and system. */
export async function campaignItems(em: EntityManager, id: string): Promise<PackItem[]> {
  const rows = await em.execute<Record<string, never>[]>(
    `SELECT i.*, t.status AS task_status, t.due_at AS task_due_at, t.completed_by AS task_completed_by,
            t.completed_by_name AS task_completed_by_name, t.completed_at AS task_completed_at, t.external_ref AS task_external_ref
       FROM certification_item i LEFT JOIN task t ON t.id = i.task_id
      WHERE i.campaign_id = ? ORDER BY i.identity_key, i.role_key, i.system_key`,
    [id],
    'all',
  );
  return rows.map((i) => ({
    id: i.id, identity: i.identity_key, identityName: i.identity_name, role: i.role_key, roleVersion: i.role_version, system: i.system_key,
    entitlements: i.entitlements ?? [], provenance: i.provenance, flags: i.flags ?? [], reviewer: i.reviewer, routing: i.routing, status: i.status,
    decidedBy: i.decided_by, decidedByName: i.decided_by_name, decidedAt: iso(i.decided_at), comment: i.comment, signedOffAt: iso(i.signed_off_at),
    task: i.task_id
      ? { id: i.task_id, status: i.task_status, dueAt: iso(i.task_due_at) as string, completedBy: i.task_completed_by, completedByName: i.task_completed_by_name, completedAt: iso(i.task_completed_at), externalRef: i.task_external_ref }
      : null,
  }));
}

/** The campaign's ledger rows (every row carries campaign_id) and its remediation tasks' rows, up to `throughSeq`. */
export async function campaignLedgerRows(em: EntityManager, id: string, taskIds: string[], throughSeq: string): Promise<AuditRow[]> {
  const rows = await em.execute<AuditRawRow[]>(
    `SELECT ${AUDIT_ROW_COLUMNS} FROM audit_event
      WHERE (audit_event.campaign_id = ? OR (audit_event.subject_type = 'task' AND audit_event.subject_id IN (?)))
        AND audit_event.seq <= ?::bigint
      ORDER BY audit_event.seq`,
    // knex expands an array parameter into a list; an empty list would be invalid SQL.
    [id, taskIds.length ? taskIds : [''], throughSeq],
    'all',
  );
  return rows.map(toAuditRow);
}
