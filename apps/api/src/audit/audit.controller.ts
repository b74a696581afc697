import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Response } from 'express';
import { verifyLedger } from '../../../../libs/audit/chain';
import { queryAudit, type AuditRow } from '../../../../libs/audit/query';
import { decodeCursor, encodeCursor, pageLimit } from '../../../../libs/catalog/pagination';
import { Roles } from '../auth/policy';
import { AuditExportQueryDto, AuditQueryDto } from './audit.dto';

const CSV_COLUMNS = [
  'seq', 'id', 'occurredAt', 'actorType', 'actorId', 'actorName', 'action', 'subjectType', 'subjectId',
  'requestId', 'campaignId', 'workflowId', 'details', 'idempotencyKey', 'prevHash', 'hash',
] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(r: AuditRow): string {
  const flat: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    seq: r.seq, id: r.id, occurredAt: r.occurredAt, actorType: r.actor.type, actorId: r.actor.id, actorName: r.actor.name,
    action: r.action, subjectType: r.subject.type, subjectId: r.subject.id, requestId: r.requestId,
    campaignId: r.campaignId, workflowId: r.workflowId, details: r.details, idempotencyKey: r.idempotencyKey,
    prevHash: r.prevHash, hash: r.hash,
  };
  return CSV_COLUMNS.map((c) => csvCell(flat[c])).join(',');
}

/** The ledger for auditors: query, export with the chain proof, and verification. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Query the ledger (oldest first) by subject, actor, action, request, campaign and time' })
  async list(@Query() q: AuditQueryDto) {
    const limit = pageLimit(q.limit);
    const rows = await queryAudit(this.em, q, decodeCursor(q.cursor), limit + 1);
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    return { items, nextCursor: more ? encodeCursor(items[items.length - 1].seq) : null };
  }

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Recompute the whole hash chain; names the first row that does not match' })
  @ApiOkResponse({ description: '`{ valid, rowsChecked, head, firstBadRow, durationMs }`' })
  async verify() {
    return verifyLedger(this.em.fork());
  }

  /**
   * Streams matching rows with their `prevHash` and `hash` (the chain proof). A final line (JSON
   * lines) or trailing comment (CSV) gives the chain head at export time, so an export can be checked
   * offline: each row's hash covers its content and its predecessor's hash.
   */
  @Get('export')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Export the ledger as JSON lines or CSV, with the hash-chain proof' })
  async export(@Query() q: AuditExportQueryDto, @Res() res: Response): Promise<void> {
    const format = q.format ?? 'jsonl';
    const em = this.em.fork();
    res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.${format === 'csv' ? 'csv' : 'jsonl'}"`);
    if (format === 'csv') res.write(`${CSV_COLUMNS.join(',')}\n`);
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const rows = await queryAudit(em, q, after, 5000);
      if (rows.length === 0) break;
      const chunk = rows.map((r) => (format === 'csv' ? csvLine(r) : JSON.stringify(r))).join('\n');
      if (!res.write(`${chunk}\n`)) await new Promise((r) => res.once('drain', r));
      count += rows.length;
      after = rows[rows.length - 1].seq;
      if (rows.length < 5000) break;
    }
    const head = await em.execute<{ seq: string; hash: string }[]>(
      'SELECT seq::text AS seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1', [], 'all',
    );
    const proof = { chainHead: head[0] ?? null, rowsExported: count, exportedAt: new Date().toISOString(), hashRule: 'docs/audit-ledger.md' };
    res.end(format === 'csv' ? `# ${JSON.stringify(proof)}\n` : `${JSON.stringify({ proof })}\n`);
  }
}
