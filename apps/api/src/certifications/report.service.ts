import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Response } from 'express';
import { campaignCounts, type CampaignRow } from '../../../../libs/certification/campaign-store';
import { csvLine } from '../../../../libs/csv/csv';
import { campaignSummary, itemView, type ItemRow } from './campaign-read.service';

interface ReportRow extends ItemRow {
  task_status: string | null;
  task_channel: string | null;
  task_external_ref: string | null;
  task_delivered_at: Date | null;
  task_completed_by: string | null;
  task_completed_by_name: string | null;
  task_completed_at: Date | null;
  access_after: 'held' | 'removed';
}

const PAGE = 2000;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const CSV_COLUMNS = [
  'item_id', 'identity', 'identity_name', 'role', 'role_version', 'system', 'entitlements', 'provenance', 'granted_at', 'approved_by', 'flags',
  'original_reviewer', 'final_reviewer', 'routing', 'decision', 'decided_by', 'decided_at', 'comment', 'signed_off_at',
  'task_id', 'task_status', 'ticket_channel', 'ticket_ref', 'ticket_delivered_at', 'attested_by', 'attested_at', 'access_after',
] as const;

/** Lists go in one cell, `;`-separated (the shared writer neutralises formula starts). */
const cell = (v: unknown) => (Array.isArray(v) ? v.join(';') : v);

/**
 * The campaign report (SPEC 7): access at launch (the items), every decision with original and
 * final reviewer, remediation per revoke (task, ticket, attestation) and whether the access is
 * still held now. Streamed page by page, so 80,000 items never sit in memory at once.
 */
@Injectable()
export class ReportService {
  constructor(private readonly em: EntityManager) {}

  private async *pages(campaignId: string): AsyncGenerator<ReportRow[]> {
    for (let after: { key: string; id: string } | null = null; ;) {
      const rows: ReportRow[] = await this.em.fork().execute<ReportRow[]>(
        `SELECT i.*, t.status AS task_status, t.channel AS task_channel, t.external_ref AS task_external_ref, t.delivered_at AS task_delivered_at,
                t.completed_by AS task_completed_by, t.completed_by_name AS task_completed_by_name, t.completed_at AS task_completed_at,
                CASE WHEN a.status = 'active' THEN 'held' ELSE 'removed' END AS access_after
           FROM certification_item i LEFT JOIN task t ON t.id = i.task_id LEFT JOIN access_assignment a ON a.id = i.assignment_id
          WHERE i.campaign_id = ? ${after ? 'AND (i.identity_key, i.id) > (?, ?::uuid)' : ''}
          ORDER BY i.identity_key, i.id LIMIT ?`,
        after ? [campaignId, after.key, after.id, PAGE] : [campaignId, PAGE],
      );
      if (rows.length === 0) return;
      yield rows;
      const last = rows[rows.length - 1];
      after = { key: last.identity_key, id: last.id };
      if (rows.length < PAGE) return;
    }
  }

  private static remediation(r: ReportRow) {
    if (!r.task_id) return null;
    return {
      taskId: r.task_id, status: r.task_status, channel: r.task_channel, ticketRef: r.task_external_ref, deliveredAt: iso(r.task_delivered_at),
      attestedBy: r.task_completed_by_name ?? r.task_completed_by, attestedById: r.task_completed_by, attestedAt: iso(r.task_completed_at),
    };
  }

  private async summary(c: CampaignRow) {
    const em = this.em.fork();
    const [counts, [after]] = await Promise.all([
      campaignCounts(em, c.id),
      em.execute<{ held: number; removed: number; attested: number }[]>(
        `SELECT count(*) FILTER (WHERE a.status = 'active')::int AS held, count(*) FILTER (WHERE a.status IS DISTINCT FROM 'active')::int AS removed,
                count(*) FILTER (WHERE i.status = 'revoked' AND t.status = 'done')::int AS attested
           FROM certification_item i LEFT JOIN access_assignment a ON a.id = i.assignment_id LEFT JOIN task t ON t.id = i.task_id
          WHERE i.campaign_id = ?`, [c.id]),
    ]);
    return { ...counts, revokesAttested: after.attested, accessAfter: { held: after.held, removed: after.removed } };
  }

  async json(c: CampaignRow, res: Response): Promise<void> {
    res.status(200).type('application/json');
    res.write(`{"campaign":${JSON.stringify(campaignSummary(c))},"summary":${JSON.stringify(await this.summary(c))},"items":[`);
    let first = true;
    for await (const rows of this.pages(c.id)) {
      const chunk = rows.map((r) => JSON.stringify({ ...itemView(r), remediation: ReportService.remediation(r), accessAfter: r.access_after })).join(',');
      res.write(`${first ? '' : ','}${chunk}`);
      first = false;
    }
    res.end(']}');
  }

  async csv(c: CampaignRow, res: Response): Promise<void> {
    res.status(200).type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="certification-${c.id.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`);
    res.write(`${csvLine([...CSV_COLUMNS])}\r\n`);
    for await (const rows of this.pages(c.id)) {
      res.write(rows.map((r) => csvLine([
        r.id, r.identity_key, r.identity_name, r.role_key, r.role_version, r.system_key, r.entitlements, r.provenance, iso(r.granted_at), r.approved_by,
        r.flags, r.original_reviewer, r.reviewer, r.routing, r.status, r.decided_by, iso(r.decided_at), r.comment, iso(r.signed_off_at),
        r.task_id, r.task_status, r.task_channel, r.task_external_ref, iso(r.task_delivered_at), r.task_completed_by_name ?? r.task_completed_by,
        iso(r.task_completed_at), r.access_after,
      ].map(cell))).join('\r\n') + '\r\n');
    }
    res.end();
  }
}
