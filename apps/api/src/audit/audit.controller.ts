import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Response } from 'express';
import { verifyLedger } from '../../../../libs/audit/chain';
import { auditExportChunks } from '../../../../libs/audit/export';
import { auditFilterOf, queryAudit } from '../../../../libs/audit/query';
import { cursorCodec, pageLimit } from '../../../../libs/catalog/pagination';
import { PublicRoute, Roles } from '../auth/policy';
import { CheckpointService } from './checkpoint.service';
import { AuditExportQueryDto, AuditQueryDto } from './audit.dto';
import { AuditPageDto, CheckpointKeyDto, VerifyResultDto } from './audit-responses.dto';

const AUDIT_CURSOR = cursorCodec('audit', ['int']);

/** The ledger for auditors: query, export with the chain proof, and verification. */
@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly em: EntityManager,
    private readonly checkpoints: CheckpointService,
  ) {}

  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Query the ledger (oldest first) by subject, actor, action, request, campaign and time' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiErrors(400)
  async list(@Query() q: AuditQueryDto) {
    const limit = pageLimit(q.limit);
    const rows = await queryAudit(this.em, auditFilterOf(q), { afterSeq: AUDIT_CURSOR.decode(q.cursor)?.[0] ?? null }, limit + 1);
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    return { items, nextCursor: more ? AUDIT_CURSOR.encode([String(items[items.length - 1].seq)]) : null };
  }

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Recompute the whole hash chain and check every signed checkpoint against it' })
  @ApiOkResponse({
    type: VerifyResultDto,
    description: '`valid` is false when a row does not match its hash or link, or when a stored checkpoint is forged or no longer matches the table (a rewritten table).',
  })
  async verify() {
    const [ledger, checkpoints] = await Promise.all([verifyLedger(this.em.fork()), this.checkpoints.verifyAll()]);
    return { ...ledger, valid: ledger.valid && checkpoints.valid, checkpoints };
  }

  /** The public half of the checkpoint signing key, for anyone checking a checkpoint or an evidence pack. */
  @Get('checkpoint-key')
  @PublicRoute()
  @ApiOperation({ summary: 'The Ed25519 public key that signs ledger checkpoints (no sign-in)' })
  @ApiOkResponse({ type: CheckpointKeyDto })
  async checkpointKey() {
    const key = await this.checkpoints.signingKey();
    return { algorithm: 'Ed25519', keyId: key.keyId, publicKeyPem: key.publicKeyPem };
  }

  /**
   * Streams matching rows in chain order, every hashed field in its hashed form (`occurredAt` to the
   * microsecond, `detailsText`), with `prevHash` and `hash`. A final line (JSON lines) or trailing
   * comment (CSV) names the chain head the export was bounded by, so a file can be re-verified
   * offline with the rule in docs/audit-ledger.md. CSV cells are neutralised against formulas.
   */
  @Get('export')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Export the ledger as JSON lines or CSV, with the hash-chain proof' })
  @ApiOkResponse({
    description: 'Every matching row in chain order (no paging), then the chain head the export was bounded by: a final JSON line, or a trailing CSV comment',
    content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiErrors(400)
  async export(@Query() q: AuditExportQueryDto, @Res() res: Response): Promise<void> {
    const format = q.format ?? 'jsonl';
    res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.${format === 'csv' ? 'csv' : 'jsonl'}"`);
    for await (const chunk of auditExportChunks(this.em.fork(), q, format)) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }
}
