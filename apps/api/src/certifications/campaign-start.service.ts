import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent } from '../../../../libs/audit/ledger';
import { campaignWorkflowId, findCampaign, insertCampaign } from '../../../../libs/certification/campaign-store';
import { preflight, type PreflightReport } from '../../../../libs/certification/preflight';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { enqueueSignal, enqueueStart } from '../../../../libs/requests/outbox';
import { campaignCancelledSignal, type CertificationTiming, type CertificationWorkflowInput } from '../../../../workflows/certification-definitions';
import { actorOf, type Principal } from '../auth/policy';
import { OutboxRelayService } from '../requests/outbox-relay.service';
import { taskTiming } from '../requests/timing';
import type { CampaignTemplateDto, CancelCampaignDto, StartCampaignDto } from './certifications.dto';

export interface CampaignAccepted {
  id: string;
  status: 'generating';
  workflowId: string;
}

/** Subjects per generation batch: one activity and one multi-row INSERT each (ADR 060). */
export const GENERATION_BATCH = 1000;

export function certificationTiming(config: Config): CertificationTiming {
  return { ...config.certification, batchSize: GENERATION_BATCH, maxHistoryEvents: Math.min(2000, config.workflowHistoryLimit), tasks: taskTiming(config, 'leaver') };
}

/**
 * Starting (or dry-running) and cancelling campaigns. A start is one transaction: the campaign
 * row, its `certification.created` event and the workflow start in the outbox (delivered after
 * commit), so a 202 is never lost and never duplicated.
 */
@Injectable()
export class CampaignStartService {
  constructor(
    private readonly em: EntityManager,
    @Inject(CONFIG) private readonly config: Config,
    private readonly relay: OutboxRelayService,
  ) {}

  /** 400 listing every problem of the template that needs the catalog to check. */
  async validateTemplate(t: CampaignTemplateDto, dueAt: string | null): Promise<void> {
    const em = this.em.fork();
    const problems: { path: string; problems: string[] }[] = [];
    const key = t.scope.key ?? null;
    if (t.scope.type === 'all' && key) problems.push({ path: 'scope.key', problems: ['scope all takes no key'] });
    const table = { manager: 'identity', system: 'target_system', role: 'role', all: null }[t.scope.type];
    if (table && key) {
      const found = await em.execute(`SELECT 1 FROM ${table} WHERE key = ?`, [key]);
      if (found.length === 0) problems.push({ path: 'scope.key', problems: [`no ${t.scope.type} ${key} in the catalog`] });
    }
    if (dueAt !== null && Date.parse(dueAt) <= Date.now()) problems.push({ path: 'dueAt', problems: ['dueAt must be in the future'] });
    if (problems.length > 0) throw new BadRequestException({ message: 'Invalid input', details: problems });
  }

  async dryRun(dto: StartCampaignDto): Promise<PreflightReport> {
    await this.validateTemplate(dto, dto.dueAt);
    return this.report('dry-run', dto);
  }

  async start(principal: Principal, dto: StartCampaignDto): Promise<CampaignAccepted> {
    await this.validateTemplate(dto, dto.dueAt);
    const em = this.em.fork();
    const [fb] = await em.execute<{ status: string }[]>('SELECT status FROM identity WHERE key = ?', [dto.fallbackReviewer]);
    // The cheap check decides; the full report is computed only to explain a refusal.
    if (fb?.status !== 'active') {
      const report = await this.report('refused', dto);
      throw new ConflictException({ message: `campaign cannot start: ${report.problems.join('; ')}`, details: report });
    }
    const id = randomUUID();
    const workflowId = campaignWorkflowId(id);
    const dueAt = new Date(dto.dueAt).toISOString();
    const input: CertificationWorkflowInput = { campaignId: id, scheduled: null, timing: certificationTiming(this.config) };
    const outboxId = await em.transactional(async (tx) => {
      const row = enqueueStart(tx, workflowId, {
        workflowType: 'certificationWorkflow', taskQueue: this.config.temporal.taskQueue, args: [input],
        searchAttributes: { JmlKind: 'certification', JmlStatus: 'generating' },
        staticSummary: `Certification "${dto.name}" (${dto.scope.type}${dto.scope.key ? ` ${dto.scope.key}` : ''}, reviewer ${dto.reviewer}, due ${dueAt})`,
      });
      await tx.flush();
      // The ledger row comes last: it holds the ledger's append lock until commit.
      await insertCampaign(tx, {
        id, name: dto.name, scopeType: dto.scope.type, scopeKey: dto.scope.key ?? null, reviewerKind: dto.reviewer,
        fallbackReviewer: dto.fallbackReviewer, dueAt, deadlinePolicy: dto.deadlinePolicy, scheduleId: null, by: actorOf(principal),
      });
      return row.id;
    });
    this.relay.kick([outboxId]);
    return { id, status: 'generating', workflowId };
  }

  private report(id: string, dto: StartCampaignDto): Promise<PreflightReport> {
    return preflight(this.em.fork(), {
      id, scopeType: dto.scope.type, scopeKey: dto.scope.key ?? null, reviewerKind: dto.reviewer, fallbackReviewer: dto.fallbackReviewer,
      launchedAt: new Date().toISOString(),
    }, { deadlinePolicy: dto.deadlinePolicy, dueAt: new Date(dto.dueAt).toISOString(), escalationWindow: this.config.certification.escalationWindow });
  }

  /** Cancels a campaign still generating or in review (409 once remediating or closed). */
  async cancel(principal: Principal, id: string, dto: CancelCampaignDto): Promise<{ id: string; status: 'cancelled' }> {
    const outboxId = await this.em.fork().transactional(async (tx) => {
      const c = await findCampaign(tx, id, 'update');
      if (!c) throw new NotFoundException(`campaign ${id} not found`);
      if (c.status !== 'generating' && c.status !== 'active') throw new ConflictException(`campaign is ${c.status}; only a generating or active campaign can be cancelled`);
      await tx.execute(`UPDATE certification_campaign SET status = 'cancelled', outcome = 'cancelled', completed_at = now(), updated_at = now() WHERE id = ?`, [id]);
      const row = enqueueSignal(tx, c.workflow_id, { signal: campaignCancelledSignal.name, args: [{ by: actorOf(principal).id }] });
      await tx.flush();
      await recordAuditEvent(tx, {
        actor: actorOf(principal), action: 'certification.cancelled', subject: { type: 'certification_campaign', id }, campaignId: id,
        workflowId: c.workflow_id, details: { reason: dto.reason ?? null, from: c.status }, idempotencyKey: `certification:${id}:cancelled`,
      });
      return row.id;
    });
    this.relay.kick([outboxId]);
    return { id, status: 'cancelled' };
  }
}
