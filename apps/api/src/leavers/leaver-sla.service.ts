import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { cursorCodec, pageLimit } from '../../../../libs/catalog/pagination';
import type { LeaverSlaEscalationDto, LeaverSlaItemDto, LeaverSlaPageDto, LeaverSlaQueryDto, SlaOutcome } from './leaver-sla.dto';

interface Row {
  request_id: string;
  identity_key: string;
  reason: string | null;
  urgent: boolean;
  request_status: string;
  effective_at: Date;
  effective_key: string;
  system_key: string;
  task_id: string;
  channel: string;
  due_at: Date;
  delivered_at: Date | null;
  completed_at: Date | null;
  completed_by: string | null;
  task_status: 'open' | 'done' | 'cancelled';
  sla: SlaOutcome;
}

/** Same rule as the workflow's close (libs/domain/sla slaMet): done at or before due is met. */
const SLA_CASE = `CASE WHEN t.status = 'cancelled' THEN 'cancelled'
                       WHEN t.status = 'done' AND t.completed_at <= t.due_at THEN 'met'
                       WHEN t.status = 'done' OR t.due_at < now() THEN 'breached'
                       ELSE 'pending' END`;

const LEAVER_SLA_CURSOR = cursorCodec('reports/leaver-sla', ['timestamp', 'uuid', 'text']);

/**
 * The leaver SLA evidence: one line per leaver request and system, with when it became
 * effective, when the revoke was due and attested, met or breached, and every escalation from
 * the ledger. Ordered by effective time (oldest first), then request, then system.
 */
@Injectable()
export class LeaverSlaReportService {
  constructor(private readonly em: EntityManager) {}

  async report(q: LeaverSlaQueryDto): Promise<LeaverSlaPageDto> {
    const limit = pageLimit(q.limit);
    const where: string[] = [`r.kind = 'leaver'`];
    const params: unknown[] = [];
    const after = this.after(q.cursor);
    if (after) {
      where.push('(r.effective_at, r.id, t.system_key) > (?::timestamptz, ?::uuid, ?)');
      params.push(after.effectiveAt, after.requestId, after.system);
    }
    if (q.from) { where.push('r.effective_at >= ?'); params.push(q.from); }
    if (q.to) { where.push('r.effective_at < ?'); params.push(q.to); }
    if (q.system) { where.push('t.system_key = ?'); params.push(q.system); }
    if (q.identity) { where.push('r.identity_key = ?'); params.push(q.identity); }
    if (q.sla) { where.push(`(${SLA_CASE}) = ?`); params.push(q.sla); }
    const em = this.em.fork();
    const rows = await em.execute<Row[]>(
      `SELECT r.id AS request_id, r.identity_key, r.changes->>'reason' AS reason, t.urgent, r.status AS request_status,
              r.effective_at, to_char(r.effective_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS effective_key, t.system_key, t.id AS task_id, t.channel, t.due_at,
              t.delivered_at, t.completed_at, coalesce(t.completed_by_name, t.completed_by) AS completed_by,
              t.status AS task_status, ${SLA_CASE} AS sla
         FROM request r JOIN task t ON t.request_id = r.id
        WHERE ${where.join(' AND ')}
        ORDER BY r.effective_at, r.id, t.system_key
        LIMIT ?`,
      [...params, limit + 1],
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const escalations = await this.escalationsOf(em, page.map((r) => r.task_id));
    const last = page[page.length - 1];
    return {
      items: page.map((r) => view(r, escalations.get(r.task_id) ?? [])),
      nextCursor: more ? LEAVER_SLA_CURSOR.encode([last.effective_key, last.request_id, last.system_key]) : null,
    };
  }

  private after(cursor: string | undefined): { effectiveAt: string; requestId: string; system: string } | null {
    const key = LEAVER_SLA_CURSOR.decode(cursor);
    return key && { effectiveAt: key[0], requestId: key[1], system: key[2] };
  }

  private async escalationsOf(em: EntityManager, taskIds: string[]): Promise<Map<string, LeaverSlaEscalationDto[]>> {
    const out = new Map<string, LeaverSlaEscalationDto[]>();
    if (taskIds.length === 0) return out;
    const rows = await em.execute<{ subject_id: string; occurred_at: Date; details: { level: number; step: string; recipients?: string[] } }[]>(
      `SELECT subject_id, occurred_at, details FROM audit_event
        WHERE subject_type = 'task' AND subject_id IN (?) AND action = 'task.escalated' ORDER BY seq`,
      [taskIds],
    );
    for (const e of rows) {
      const list = out.get(e.subject_id) ?? [];
      list.push({ level: e.details.level, step: e.details.step, at: new Date(e.occurred_at).toISOString(), recipients: e.details.recipients ?? [] });
      out.set(e.subject_id, list);
    }
    return out;
  }
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function view(r: Row, escalations: LeaverSlaEscalationDto[]): LeaverSlaItemDto {
  const due = new Date(r.due_at).getTime();
  const end = r.completed_at ? new Date(r.completed_at).getTime() : r.task_status === 'open' ? Date.now() : due;
  return {
    requestId: r.request_id,
    identity: r.identity_key,
    reason: r.reason,
    urgent: r.urgent,
    requestStatus: r.request_status,
    effectiveAt: new Date(r.effective_at).toISOString(),
    system: r.system_key,
    taskId: r.task_id,
    channel: r.channel,
    dueAt: new Date(r.due_at).toISOString(),
    deliveredAt: iso(r.delivered_at),
    completedAt: iso(r.completed_at),
    completedBy: r.completed_by,
    taskStatus: r.task_status,
    sla: r.sla,
    lateByMs: Math.max(0, end - due),
    escalations,
  };
}
