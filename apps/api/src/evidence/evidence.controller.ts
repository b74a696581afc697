import { BadRequestException, Controller, Get, Logger, NotFoundException, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager, IsolationLevel } from '@mikro-orm/postgresql';
import type { Response } from 'express';
import { campaignsAvailable, findPackCampaign } from '../../../../libs/evidence/campaign';
import { findIdentity } from '../../../../libs/evidence/identity-changes';
import { writeCampaignPack, writeIdentityPack, type PackDeps } from '../../../../libs/evidence/pack';
import { CheckpointService } from '../audit/checkpoint.service';
import { Roles } from '../auth/policy';
import { ApiErrors } from '../common/openapi/api-errors';
import { EvidenceQueryDto } from './evidence.dto';

const invalid = (path: string, problem: string) => new BadRequestException({ message: 'Invalid input', details: [{ path, problems: [problem] }] });

/** The evidence pack: one ZIP an auditor checks offline with `node verify.mjs` (docs/evidence-pack.md). */
@ApiTags('evidence')
@Controller('api/v1/evidence')
export class EvidenceController {
  private readonly logger = new Logger('EvidencePack');

  constructor(
    private readonly em: EntityManager,
    private readonly checkpoints: CheckpointService,
  ) {}

  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Evidence pack of an identity over a period, or of a certification campaign: summary.html, changes.csv, ledger.jsonl, chain.jsonl, checkpoint.json, verify.mjs, SHA256SUMS(.sig)' })
  @ApiResponse({ status: 200, description: 'A streamed ZIP', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors([400, 'Neither or both of identity and campaign, from not before to, or campaigns not installed'], [404, 'No such identity or campaign'])
  async pack(@Query() q: EvidenceQueryDto, @Res() res: Response): Promise<void> {
    if (q.campaign !== undefined && q.identity !== undefined) throw invalid('campaign', 'give either identity or campaign, not both');
    if (q.campaign === undefined && !q.identity) throw invalid('identity', 'identity (or campaign) is required');
    const em = this.em.fork();
    let write: (deps: PackDeps) => Promise<unknown>;
    let name: string;
    if (q.campaign !== undefined) {
      if (!(await campaignsAvailable(em))) throw invalid('campaign', 'certification campaigns are not available in this installation');
      const campaign = await findPackCampaign(em, q.campaign);
      if (!campaign) throw new NotFoundException(`campaign ${q.campaign} not found`);
      write = (deps) => writeCampaignPack(deps, campaign, res);
      name = `campaign-${campaign.id}`;
    } else {
      const identity = await findIdentity(em, q.identity as string);
      if (!identity) throw new NotFoundException(`identity ${q.identity} not found`);
      write = (deps) => writeIdentityPack(deps, identity, { identity: identity.key, from: q.from, to: q.to }, res);
      name = identity.key;
    }
    const key = await this.checkpoints.signingKey();
    const stored = (await this.checkpoints.stored()).map((s) => s.checkpoint);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="evidence-${name.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.zip"`);
    try {
      await this.em.fork().transactional(
        (tx) => write({ tx, key, checkpointHead: (t) => this.checkpoints.take(t), storedCheckpoints: stored }),
        { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
      );
    } catch (err) {
      // Past the headers the only honest signal left is a broken download, never a partial ZIP that looks whole.
      if (!res.headersSent) throw err;
      this.logger.error(`evidence pack ${name} failed mid-stream: ${String(err)}`);
      res.destroy(err as Error);
    }
  }
}
