import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AuditEventEntity } from '../../../../libs/audit/audit-event.entity';
import { cursorCodec, cursorTimestampSql, pageLimit } from '../../../../libs/catalog/pagination';
import { ApprovalDecision, ApprovalStep } from '../../../../libs/requests/entities/approval.entity';
import { Request } from '../../../../libs/requests/entities/request.entity';
import { Task } from '../../../../libs/requests/entities/task.entity';
import type { Principal } from '../auth/policy';
import type { RequestListQueryDto, TaskListQueryDto } from './requests.dto';
import { requestSummary, requestView, taskView } from './views';

// Each list's cursor carries its sort key at the database's precision (microseconds).
const REQUESTS_CURSOR = cursorCodec('requests', ['timestamp', 'uuid']);
const APPROVALS_CURSOR = cursorCodec('approvals', ['timestamp', 'uuid']);
const TASKS_CURSOR = cursorCodec('tasks', ['timestamp', 'uuid']);

const seesAll = (p: Principal) => p.roles.includes('admin') || p.roles.includes('auditor');

/**
 * Whether the caller is involved in ONE request `r` (param: the identity key, 4 times): its
 * requester, its subject, an approver eligible at one of its steps, or an owner of a system one of
 * its tasks is for. Correlated to the one row, so each EXISTS reads that request's steps and tasks.
 */
const INVOLVED_IN_ONE = `(r.requester_id = ? OR r.identity_key = ?
  OR EXISTS (SELECT 1 FROM approval_step s WHERE s.request_id = r.id AND s.eligible_approvers @> jsonb_build_array(?::text))
  OR EXISTS (SELECT 1 FROM task t JOIN target_system ts ON ts.key = t.system_key WHERE t.request_id = r.id AND ? = ANY(ts.owners)))`;

/**
 * The same rule over a list (param: the identity key, 4 times). Every branch is an index lookup
 * (request_requester_idx, request_identity_idx, the GIN index on approval_step.eligible_approvers,
 * task_system_status_idx over the caller's systems) joined by a bitmap OR, so a non-admin's list
 * reads their requests, not every request ever made as the EXISTS form did (ADR 180).
 */
export const INVOLVED = `(r.requester_id = ? OR r.identity_key = ?
  OR r.id = ANY (ARRAY(SELECT s.request_id FROM approval_step s WHERE s.eligible_approvers @> jsonb_build_array(?::text)))
  OR r.id = ANY (ARRAY(SELECT t.request_id FROM task t WHERE t.system_key = ANY (ARRAY(SELECT ts.key FROM target_system ts WHERE ? = ANY (ts.owners))))))`;

/**
 * The tasks a non-admin sees, as a SQL condition on alias `t` (param: the identity key, twice):
 * those they are a fallback attester of (the partial GIN index) and those of the systems they own
 * (task_system_status_idx). Index lookups, not a read of every task (ADR 180).
 */
export const OWN_TASKS = `((t.fallback_attesters <> '{}' AND t.fallback_attesters @> ARRAY[?::text])
  OR t.system_key = ANY (ARRAY(SELECT ts.key FROM target_system ts WHERE ? = ANY (ts.owners))))`;

/** The read side: requests, an approver's inbox and tasks, each filtered to what the caller may see. */
@Injectable()
export class RequestReadService {
  constructor(private readonly em: EntityManager) {}

  private me(p: Principal): string {
    return p.identityKey ?? p.clientId ?? p.username;
  }

  async getRequest(principal: Principal, id: string) {
    const em = this.em.fork();
    const r = await em.findOne(Request, { id });
    if (!r) throw new NotFoundException(`request ${id} not found`);
    if (!seesAll(principal)) {
      const me = this.me(principal);
      const rows = await em.execute(`SELECT 1 FROM request r WHERE r.id = ? AND ${INVOLVED_IN_ONE}`, [id, me, me, me, me]);
      if (rows.length === 0) throw new ForbiddenException('you are not involved in this request');
    }
    const [steps, decisions, tasks, timeline] = await Promise.all([
      em.find(ApprovalStep, { requestId: id }, { orderBy: { step: 'asc' } }),
      em.find(ApprovalDecision, { requestId: id }, { orderBy: { decidedAt: 'asc' } }),
      em.find(Task, { requestId: id }, { orderBy: { systemKey: 'asc', action: 'asc' } }),
      em.find(AuditEventEntity, { requestId: id }, { orderBy: { seq: 'asc' } }),
    ]);
    return requestView(r, steps, decisions, tasks, timeline);
  }

  async listRequests(principal: Principal, q: RequestListQueryDto) {
    const limit = pageLimit(q.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (!seesAll(principal)) {
      const me = this.me(principal);
      where.push(INVOLVED);
      params.push(me, me, me, me);
    }
    if (q.status) {
      where.push('r.status = ?');
      params.push(q.status);
    }
    if (q.kind) {
      where.push('r.kind = ?');
      params.push(q.kind);
    }
    if (q.identity) {
      where.push('r.identity_key = ?');
      params.push(q.identity);
    }
    const after = REQUESTS_CURSOR.decode(q.cursor);
    if (after) {
      where.push('(r.created_at, r.id) < (?::timestamptz, ?::uuid)');
      params.push(...after);
    }
    const rows = await this.em.fork().execute<{ id: string; at: string }[]>(
      `SELECT r.id, ${cursorTimestampSql('r.created_at')} AS at FROM request r ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at DESC, r.id DESC LIMIT ?`,
      [...params, limit + 1],
    );
    const ids = rows.slice(0, limit).map((x) => x.id);
    const em = this.em.fork();
    const found = ids.length ? await em.find(Request, { id: { $in: ids } }) : [];
    const items = ids.map((i) => found.find((f) => f.id === i)!).map(requestSummary);
    const last = rows[limit - 1];
    return { items, nextCursor: rows.length > limit ? REQUESTS_CURSOR.encode([last.at, last.id]) : null };
  }

  /** The caller's inbox: open steps where they are eligible and have not decided yet, with the diff. */
  async approvals(principal: Principal, q: { limit?: number; cursor?: string }) {
    const me = principal.identityKey;
    if (!me) return { items: [], nextCursor: null };
    const limit = pageLimit(q.limit);
    const after = APPROVALS_CURSOR.decode(q.cursor);
    const rows = await this.em.fork().execute<{ request_id: string; step: number; opened_key: string }[]>(
      `SELECT s.request_id, s.step, ${cursorTimestampSql('s.opened_at')} AS opened_key FROM approval_step s JOIN request r ON r.id = s.request_id
        WHERE s.status = 'pending' AND s.eligible_approvers @> jsonb_build_array(?::text) AND r.identity_key <> ? AND r.requester_id <> ?
          AND NOT EXISTS (SELECT 1 FROM approval_decision d WHERE d.request_id = s.request_id AND d.step = s.step AND d.approver = ?)
          ${after ? 'AND (s.opened_at, s.request_id) > (?::timestamptz, ?::uuid)' : ''}
        ORDER BY s.opened_at, s.request_id LIMIT ?`,
      [me, me, me, me, ...(after ?? []), limit + 1],
    );
    const page = rows.slice(0, limit);
    const em = this.em.fork();
    const requests = page.length ? await em.find(Request, { id: { $in: page.map((p) => p.request_id) } }) : [];
    const steps = page.length ? await em.find(ApprovalStep, { requestId: { $in: page.map((p) => p.request_id) }, status: 'pending' }) : [];
    const items = page.map((p) => {
      const r = requests.find((x) => x.id === p.request_id)!;
      const s = steps.find((x) => x.requestId === p.request_id)!;
      return {
        request: requestSummary(r),
        step: { step: s.step, label: s.label, required: s.required, eligibleApprovers: s.eligibleApprovers, dueAt: s.dueAt?.toISOString() ?? null, escalationLevel: s.escalationLevel },
        diff: { add: r.diff.add, remove: r.diff.remove },
        sodFindings: r.sodFindings,
        justification: r.justification,
        changes: r.changes,
        effectiveAt: r.effectiveAt?.toISOString() ?? null,
      };
    });
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? APPROVALS_CURSOR.encode([last.opened_key, last.request_id]) : null };
  }

  async listTasks(principal: Principal, q: TaskListQueryDto) {
    const limit = pageLimit(q.limit);
    const where: string[] = [];
    const params: unknown[] = [];
    if (!seesAll(principal)) {
      where.push(OWN_TASKS);
      params.push(this.me(principal), this.me(principal));
    }
    if (q.status) {
      where.push('t.status = ?');
      params.push(q.status);
    }
    if (q.system) {
      where.push('t.system_key = ?');
      params.push(q.system);
    }
    const after = TASKS_CURSOR.decode(q.cursor);
    if (after) {
      where.push('(t.created_at, t.id) > (?::timestamptz, ?::uuid)');
      params.push(...after);
    }
    const rows = await this.em.fork().execute<{ id: string; at: string }[]>(
      `SELECT t.id, ${cursorTimestampSql('t.created_at')} AS at FROM task t ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.created_at, t.id LIMIT ?`,
      [...params, limit + 1],
    );
    const ids = rows.slice(0, limit).map((x) => x.id);
    const found = ids.length ? await this.em.fork().find(Task, { id: { $in: ids } }) : [];
    const items = ids.map((i) => found.find((f) => f.id === i)!).map(taskView);
    const last = rows[limit - 1];
    return { items, nextCursor: rows.length > limit ? TASKS_CURSOR.encode([last.at, last.id]) : null };
  }

  async getTask(principal: Principal, id: string) {
    const em = this.em.fork();
    const t = await em.findOne(Task, { id });
    if (!t) throw new NotFoundException(`task ${id} not found`);
    if (!seesAll(principal) && !t.fallbackAttesters.includes(this.me(principal))) {
      const rows = await em.execute(`SELECT 1 FROM target_system WHERE key = ? AND ? = ANY(owners)`, [t.systemKey, this.me(principal)]);
      if (rows.length === 0) throw new ForbiddenException(`only owners of system ${t.systemKey}, administrators and auditors see this task`);
    }
    return taskView(t);
  }
}
