import { randomUUID } from 'node:crypto';
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ScheduleNotFoundError } from '@temporalio/client';
import { recordAuditEvent } from '../../../../libs/audit/ledger';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { JmlKind, JmlStatus } from '../../../../libs/temporal/search-attributes';
import { TemporalClientService } from '../../../../libs/temporal/temporal-client.module';
import type { CertificationWorkflowInput } from '../../../../workflows/certification-definitions';
import { cursorCodec, cursorTimestampSql, pageLimit, type PageQuery } from '../../../../libs/catalog/pagination';
import { actorOf, type Principal } from '../auth/policy';
import { CampaignStartService, certificationTiming } from './campaign-start.service';
import type { ScheduleDto } from './certifications.dto';

const SCHEDULES_CURSOR = cursorCodec('certification-schedules', ['timestamp', 'text']);

interface ScheduleRow {
  id: string;
  name: string;
  cron: string | null;
  every: string | null;
  campaign: ScheduleDto['campaign'];
  review_days: number;
  created_by: string;
  created_at: Date;
}

export const scheduleTemporalId = (id: string) => `certification-schedule-${id}`;

/**
 * Recurring campaigns as Temporal Schedules: each run starts `certificationWorkflow` with workflow
 * id `certification-<scheduleId>-<fire time>` (Temporal appends the time), so each run is a normal
 * campaign whose id is that suffix. Overlap policy SKIP: while a run's campaign is still open, the
 * next fire is skipped, never stacked. The row here is the record (and the audit trail).
 */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly em: EntityManager,
    @Inject(CONFIG) private readonly config: Config,
    private readonly temporal: TemporalClientService,
    private readonly campaigns: CampaignStartService,
  ) {}

  async create(principal: Principal, dto: ScheduleDto) {
    if ((dto.cron === undefined) === (dto.every === undefined)) {
      throw new BadRequestException({ message: 'Invalid input', details: [{ path: 'cron', problems: ['give exactly one of cron and every'] }] });
    }
    await this.campaigns.validateTemplate(dto.campaign, null);
    const id = randomUUID();
    const input: CertificationWorkflowInput = {
      campaignId: null, scheduled: { scheduleId: id, campaign: dto.campaign, reviewDays: dto.reviewDays }, timing: certificationTiming(this.config),
    };
    const client = await this.temporal.getClient();
    await client.schedule.create({
      scheduleId: scheduleTemporalId(id),
      spec: dto.cron ? { cronExpressions: [dto.cron.trim()] } : { intervals: [{ every: dto.every as `${number}d` }] },
      action: {
        type: 'startWorkflow', workflowType: 'certificationWorkflow', taskQueue: this.config.temporal.taskQueue,
        workflowId: `certification-${id}`, args: [input],
        typedSearchAttributes: [{ key: JmlKind, value: 'certification' }, { key: JmlStatus, value: 'generating' }],
        staticSummary: `Scheduled certification "${dto.campaign.name}" (schedule ${id})`,
      },
      policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
      state: { note: `certification schedule ${dto.name}` },
    }).catch((err: unknown) => {
      throw invalidSchedule(err, dto.cron !== undefined ? 'cron' : 'every') ?? err;
    });
    await this.em.fork().transactional(async (tx) => {
      await tx.execute(
        `INSERT INTO certification_schedule (id, name, cron, every, campaign, review_days, created_by) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)`,
        [id, dto.name, dto.cron ?? null, dto.every ?? null, JSON.stringify(dto.campaign), dto.reviewDays, actorOf(principal).id]);
      await recordAuditEvent(tx, {
        actor: actorOf(principal), action: 'certification.schedule_created', subject: { type: 'certification_schedule', id },
        details: { name: dto.name, cron: dto.cron ?? null, every: dto.every ?? null, campaign: dto.campaign, reviewDays: dto.reviewDays },
        idempotencyKey: `certification-schedule:${id}:created`,
      });
    });
    return this.view(await this.row(id));
  }

  /** A page of schedules, oldest first (the shared paging of every list, ADR 080). */
  async list(q: PageQuery) {
    const limit = pageLimit(q.limit);
    const after = SCHEDULES_CURSOR.decode(q.cursor);
    const rows = await this.em.fork().execute<(ScheduleRow & { cursor_at: string })[]>(
      `SELECT *, ${cursorTimestampSql('created_at')} AS cursor_at FROM certification_schedule
        WHERE deleted_at IS NULL ${after ? 'AND (created_at, id) > (?::timestamptz, ?)' : ''} ORDER BY created_at, id LIMIT ?`,
      [...(after ?? []), limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: await Promise.all(page.map((r) => this.view(r))), nextCursor: rows.length > limit ? SCHEDULES_CURSOR.encode([last.cursor_at, String(last.id)]) : null };
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const row = await this.row(id);
    const client = await this.temporal.getClient();
    await client.schedule.getHandle(scheduleTemporalId(id)).delete().catch((err: unknown) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
    await this.em.fork().transactional(async (tx) => {
      await tx.execute('UPDATE certification_schedule SET deleted_at = now() WHERE id = ? AND deleted_at IS NULL', [row.id]);
      await recordAuditEvent(tx, {
        actor: actorOf(principal), action: 'certification.schedule_deleted', subject: { type: 'certification_schedule', id },
        details: { name: row.name }, idempotencyKey: `certification-schedule:${id}:deleted`,
      });
    });
  }

  private async row(id: string): Promise<ScheduleRow> {
    const [row] = /^[0-9a-f-]{36}$/.test(id)
      ? await this.em.fork().execute<ScheduleRow[]>('SELECT * FROM certification_schedule WHERE id = ? AND deleted_at IS NULL', [id])
      : [];
    if (!row) throw new NotFoundException(`schedule ${id} not found`);
    return row;
  }

  private async view(r: ScheduleRow) {
    const client = await this.temporal.getClient();
    const d = await client.schedule.getHandle(scheduleTemporalId(r.id)).describe().catch(() => null);
    return {
      id: r.id, name: r.name, cron: r.cron, every: r.every, campaign: r.campaign, reviewDays: r.review_days, createdBy: r.created_by,
      createdAt: new Date(r.created_at).toISOString(), temporalScheduleId: scheduleTemporalId(r.id),
      nextRuns: d?.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()) ?? [],
      recentRuns: d?.info.recentActions.map((a) => ({ at: a.takenAt.toISOString(), workflowId: a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : null })) ?? [],
      skippedOverlaps: d?.info.numActionsSkippedOverlap ?? 0,
    };
  }
}

/**
 * Temporal interprets the schedule's cron and interval, so it is the authority on them: a spec it
 * refuses (e.g. `0 0 0 0 0`, whose day and month 0 do not exist) is the caller's 400 naming the
 * field, not a 500. The client rethrows the server's INVALID_ARGUMENT as a TypeError carrying its
 * message ("DayOfMonth is not in range [1-31], ..."). Found by schemathesis in the clean-clone CI.
 */
function invalidSchedule(err: unknown, path: 'cron' | 'every'): BadRequestException | null {
  if (!(err instanceof TypeError)) return null;
  return new BadRequestException({ message: 'Invalid input', details: [{ path, problems: [`${path} is not accepted by the scheduler: ${err.message}`] }] });
}
