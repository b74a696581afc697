import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { campaignCounts, findCampaign, reviewerProgress, type CampaignRow } from '../../../../libs/certification/campaign-store';
import { cursorCodec, cursorTimestampSql, invalidCursor, pageLimit } from '../../../../libs/catalog/pagination';
import type { Principal } from '../auth/policy';
import type { CampaignListQueryDto, ItemsQueryDto } from './certifications.dto';

// The shared cursor codec (ADR 080): campaign cursors carry microseconds; item cursors name their campaign.
const CAMPAIGNS_CURSOR = cursorCodec('certifications', ['timestamp', 'text']);
const ITEMS_CURSOR = cursorCodec('certifications/{id}/items', ['text', 'text', 'uuid']);

const seesAll = (p: Principal) => p.roles.includes('admin') || p.roles.includes('auditor');
const me = (p: Principal) => p.identityKey ?? p.clientId ?? p.username;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A reviewer of the campaign: items are theirs now, or were theirs at launch. */
const REVIEWER_OF = `EXISTS (SELECT 1 FROM certification_reviewer r WHERE r.campaign_id = c.id AND r.reviewer = ?)`;

export interface ItemRow {
  id: string;
  identity_key: string;
  identity_name: string;
  role_key: string;
  role_version: number;
  system_key: string;
  entitlements: string[];
  provenance: string;
  request_id: string | null;
  granted_at: Date;
  approved_by: string[];
  flags: string[];
  original_reviewer: string;
  reviewer: string;
  routing: string;
  escalation_level: number;
  status: string;
  decided_by: string | null;
  decided_at: Date | null;
  comment: string | null;
  signed_off_at: Date | null;
  task_id: string | null;
}

export function itemView(i: ItemRow) {
  return {
    id: i.id, identity: i.identity_key, identityName: i.identity_name, role: i.role_key, roleVersion: i.role_version, system: i.system_key,
    entitlements: i.entitlements, provenance: i.provenance, requestId: i.request_id, grantedAt: iso(i.granted_at), approvedBy: i.approved_by,
    flags: i.flags, reviewer: i.reviewer, originalReviewer: i.original_reviewer, routing: i.routing, escalationLevel: i.escalation_level,
    status: i.status, decidedBy: i.decided_by, decidedAt: iso(i.decided_at), comment: i.comment, signedOffAt: iso(i.signed_off_at), taskId: i.task_id,
  };
}

export function campaignSummary(c: CampaignRow) {
  return {
    id: c.id, name: c.name, status: c.status, scope: { type: c.scope_type, key: c.scope_key }, reviewer: c.reviewer_kind,
    fallbackReviewer: c.fallback_reviewer, dueAt: iso(c.due_at), deadlinePolicy: c.deadline_policy, scheduleId: c.schedule_id,
    workflowId: c.workflow_id, createdBy: c.created_by, createdAt: iso(c.created_at), activatedAt: iso(c.activated_at),
    reviewClosedAt: iso(c.review_closed_at), completedAt: iso(c.completed_at), outcome: c.outcome,
  };
}

/** The read side of campaigns: what each caller may see (admins and auditors: all; reviewers: theirs). */
@Injectable()
export class CampaignReadService {
  constructor(private readonly em: EntityManager) {}

  async visible(principal: Principal, id: string): Promise<CampaignRow> {
    const em = this.em.fork();
    const c = await findCampaign(em, id);
    if (!c) throw new NotFoundException(`campaign ${id} not found`);
    if (!seesAll(principal)) {
      const rows = await em.execute(`SELECT 1 FROM certification_campaign c WHERE c.id = ? AND ${REVIEWER_OF}`, [id, me(principal)]);
      if (rows.length === 0) throw new ForbiddenException('only administrators, auditors and the reviewers of this campaign see it');
    }
    return c;
  }

  async get(principal: Principal, id: string) {
    const c = await this.visible(principal, id);
    const em = this.em.fork();
    const [counts, reviewers] = await Promise.all([campaignCounts(em, id), reviewerProgress(em, id)]);
    return { ...campaignSummary(c), counts, reviewers };
  }

  async list(principal: Principal, q: CampaignListQueryDto) {
    const limit = pageLimit(q.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (!seesAll(principal)) { where.push(REVIEWER_OF); params.push(me(principal)); }
    if (q.status) { where.push('c.status = ?'); params.push(q.status); }
    const after = CAMPAIGNS_CURSOR.decode(q.cursor);
    if (after) {
      where.push('(c.created_at, c.id) < (?::timestamptz, ?)');
      params.push(...after);
    }
    const rows = await this.em.fork().execute<(CampaignRow & { cursor_at: string })[]>(
      `SELECT c.*, ${cursorTimestampSql('c.created_at')} AS cursor_at FROM certification_campaign c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
      [...params, limit + 1]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(campaignSummary), nextCursor: rows.length > limit && last ? CAMPAIGNS_CURSOR.encode([last.cursor_at, String(last.id)]) : null };
  }

  /** Items, by subject: the caller's own unless an admin or auditor (who may filter by reviewer). */
  async items(principal: Principal, id: string, q: ItemsQueryDto) {
    await this.visible(principal, id);
    const limit = pageLimit(q.limit);
    const where = ['i.campaign_id = ?'];
    const params: unknown[] = [id];
    const reviewer = seesAll(principal) ? q.reviewer : me(principal);
    if (!seesAll(principal) && q.reviewer && q.reviewer !== reviewer) throw new ForbiddenException('reviewers see their own items only');
    if (reviewer) { where.push('i.reviewer = ?'); params.push(reviewer); }
    if (q.status) { where.push('i.status = ?'); params.push(q.status); }
    if (q.flag) { where.push('? = ANY(i.flags)'); params.push(q.flag); }
    if (q.identity) { where.push('i.identity_key = ?'); params.push(q.identity); }
    if (q.system) { where.push('i.system_key = ?'); params.push(q.system); }
    const after = ITEMS_CURSOR.decode(q.cursor);
    if (after) {
      if (after[0] !== id) throw invalidCursor(`belongs to the items of campaign ${after[0]}, not ${id}`);
      where.push('(i.identity_key, i.id) > (?, ?::uuid)');
      params.push(after[1], after[2]);
    }
    const rows = await this.em.fork().execute<ItemRow[]>(
      `SELECT i.* FROM certification_item i WHERE ${where.join(' AND ')} ORDER BY i.identity_key, i.id LIMIT ?`, [...params, limit + 1]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(itemView), nextCursor: rows.length > limit && last ? ITEMS_CURSOR.encode([id, last.identity_key, last.id]) : null };
  }
}
