import { BadRequestException, Controller, Get, Logger, NotFoundException, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager, IsolationLevel } from '@mikro-orm/postgresql';
import type { Response } from 'express';
import { findIdentity } from '../../../../libs/evidence/identity-changes';
import { writeIdentityPack } from '../../../../libs/evidence/pack';
import { CheckpointService } from '../audit/checkpoint.service';
import { Roles } from '../auth/policy';
import { EvidenceQueryDto } from './evidence.dto';

const invalid = (path: string, problem: string) => new BadRequestException({ message: 'Invalid input', details: [{ path, problems: [problem] }] });

/** The evidence pack: one ZIP an auditor checks offline with `node verify.mjs` (docs/evidence-pack.md). */
@ApiTags('evidence')
@ApiBearerAuth()
@Controller('api/v1/evidence')
export class EvidenceController {
  private readonly logger = new Logger('EvidencePack');

  constructor(
    private readonly em: EntityManager,
    private readonly checkpoints: CheckpointService,
  ) {}

  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Evidence pack of an identity over a period: summary.html, changes.csv, ledger.jsonl, chain.jsonl, checkpoint.json, verify.mjs, SHA256SUMS' })
  @ApiProduces('application/zip')
  @ApiResponse({ status: 200, description: 'A streamed ZIP (application/zip)' })
  @ApiResponse({ status: 400, description: 'identity missing, from not before to, or campaign (not available yet)' })
  @ApiResponse({ status: 404, description: 'No such identity' })
  async pack(@Query() q: EvidenceQueryDto, @Res() res: Response): Promise<void> {
    if (q.campaign !== undefined) throw invalid('campaign', 'campaign evidence packs are not available yet; ask for an identity pack');
    if (!q.identity) throw invalid('identity', 'identity is required');
    if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) throw invalid('to', 'to must be after from');
    const identity = await findIdentity(this.em.fork(), q.identity);
    if (!identity) throw new NotFoundException(`identity ${q.identity} not found`);
    const key = await this.checkpoints.signingKey();
    const stored = (await this.checkpoints.stored()).map((s) => s.checkpoint);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="evidence-${identity.key}-${stamp}.zip"`);
    try {
      await this.em.fork().transactional(
        (tx) => writeIdentityPack({ tx, key, checkpointHead: (t) => this.checkpoints.take(t), storedCheckpoints: stored }, identity, { identity: identity.key, from: q.from, to: q.to }, res),
        { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
      );
    } catch (err) {
      // Past the headers the only honest signal left is a broken download, never a partial ZIP that looks whole.
      if (!res.headersSent) throw err;
      this.logger.error(`evidence pack for ${identity.key} failed mid-stream: ${String(err)}`);
      res.destroy(err as Error);
    }
  }
}
