import type { EntityManager } from '@mikro-orm/postgresql';
import { AUDIT_ROW_COLUMNS, toAuditRow, type AuditRawRow, type AuditRow } from '../audit/query';

/** The scope of an identity pack: one person, an optional period (ISO-8601; `to` exclusive). */
export interface IdentityScope {
  identity: string;
  from?: string;
  to?: string;
}

export interface PackIdentity {
  key: string;
  name: string;
  username: string;
  department: string | null;
  title: string | null;
  status: string;
}

export interface PackDecision {
  step: number;
  approver: string;
  approverName: string;
  decision: string;
  comment: string;
  decidedAt: string;
}

export interface PackStep {
  step: number;
  label: string;
  status: string;
  required: number;
  eligibleApprovers: string[];
  decisions: PackDecision[];
}

export interface PackTask {
  id: string;
  system: string;
  action: 'grant' | 'revoke';
  entitlements: string[];
  status: string;
  channel: string;
  externalRef: string | null;
  deliveryAttempts: number;
  deliveredAt: string | null;
  createdAt: string;
  dueAt: string;
  completedBy: string | null;
  completedByName: string | null;
  completedAt: string | null;
  note: string | null;
  escalationLevel: number;
}

/** One request with everything an auditor asks about it. */
export interface PackRequest {
  id: string;
  kind: string;
  status: string;
  requester: { type: string; id: string; name: string };
  justification: string | null;
  roles: string[];
  removeRoles: string[];
  diff: { add: { system: string; entitlement: string }[]; remove: { system: string; entitlement: string }[] };
  outcome: string | null;
  effectiveAt: string | null;
  createdAt: string;
  completedAt: string | null;
  steps: PackStep[];
  tasks: PackTask[];
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

export async function findIdentity(em: EntityManager, key: string): Promise<PackIdentity | null> {
  const rows = await em.execute<PackIdentity[]>(
    'SELECT key, name, username, department, title, status FROM identity WHERE key = ?',
    [key],
    'all',
  );
  return rows[0] ?? null;
}

/** Requests about the identity that overlap the period (created before `to`, not closed before `from`). */
export async function requestsInScope(em: EntityManager, scope: IdentityScope): Promise<PackRequest[]> {
  const where = ['r.identity_key = ?'];
  const params: unknown[] = [scope.identity];
  if (scope.to) {
    where.push('r.created_at < ?::timestamptz');
    params.push(scope.to);
  }
  if (scope.from) {
    where.push('(r.completed_at IS NULL OR r.completed_at >= ?::timestamptz)');
    params.push(scope.from);
  }
  const requests = await em.execute<Record<string, never>[]>(
    `SELECT * FROM request r WHERE ${where.join(' AND ')} ORDER BY r.created_at, r.id`,
    params,
    'all',
  );
  if (requests.length === 0) return [];
  const ids = requests.map((r) => r.id as string);
  const [steps, decisions, tasks] = await Promise.all([
    em.execute<Record<string, never>[]>('SELECT * FROM approval_step WHERE request_id IN (?) ORDER BY step', [ids], 'all'),
    em.execute<Record<string, never>[]>('SELECT * FROM approval_decision WHERE request_id IN (?) ORDER BY decided_at, id', [ids], 'all'),
    em.execute<Record<string, never>[]>('SELECT * FROM task WHERE request_id IN (?) ORDER BY system_key, action', [ids], 'all'),
  ]);
  return requests.map((r) => toPackRequest(r, steps, decisions, tasks));
}

type Raw = Record<string, never>;

/** Requests pin roles to a catalog version: `[{ role, version }]` becomes `["role v3"]`. */
const roleNames = (refs: { role: string; version: number }[] | null): string[] => (refs ?? []).map((x) => `${x.role} v${x.version}`);

function toPackRequest(r: Raw, steps: Raw[], decisions: Raw[], tasks: Raw[]): PackRequest {
  const mine = <T extends Raw>(rows: T[]) => rows.filter((x) => x.request_id === r.id);
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    requester: { type: r.requester_type, id: r.requester_id, name: r.requester_name },
    justification: r.justification,
    roles: roleNames(r.roles),
    removeRoles: roleNames(r.remove_roles),
    diff: r.diff ?? { add: [], remove: [] },
    outcome: r.outcome,
    effectiveAt: iso(r.effective_at),
    createdAt: iso(r.created_at) as string,
    completedAt: iso(r.completed_at),
    steps: mine(steps).map((s) => ({
      step: s.step,
      label: s.label,
      status: s.status,
      required: s.required,
      eligibleApprovers: s.eligible_approvers ?? [],
      decisions: mine(decisions)
        .filter((d) => d.step === s.step)
        .map((d) => ({ step: d.step, approver: d.approver, approverName: d.approver_name, decision: d.decision, comment: d.comment, decidedAt: iso(d.decided_at) as string })),
    })),
    tasks: mine(tasks).map((t) => ({
      id: t.id,
      system: t.system_key,
      action: t.action,
      entitlements: t.entitlements ?? [],
      status: t.status,
      channel: t.channel,
      externalRef: t.external_ref,
      deliveryAttempts: t.delivery_attempts,
      deliveredAt: iso(t.delivered_at),
      createdAt: iso(t.created_at) as string,
      dueAt: iso(t.due_at) as string,
      completedBy: t.completed_by,
      completedByName: t.completed_by_name,
      completedAt: iso(t.completed_at),
      note: t.note,
      escalationLevel: t.escalation_level,
    })),
  };
}

/**
 * The ledger rows behind the summary, in chain order, up to `throughSeq`: every row of the
 * requests in scope, and the rows about the identity itself within the period.
 */
export async function ledgerRowsInScope(em: EntityManager, scope: IdentityScope, requestIds: string[], throughSeq: string): Promise<AuditRow[]> {
  const period: string[] = [];
  // knex expands an array parameter into a list; an empty list would be invalid SQL.
  const params: unknown[] = [requestIds.length ? requestIds : [''], scope.identity];
  if (scope.from) {
    period.push('audit_event.occurred_at >= ?::timestamptz');
    params.push(scope.from);
  }
  if (scope.to) {
    period.push('audit_event.occurred_at < ?::timestamptz');
    params.push(scope.to);
  }
  params.push(throughSeq);
  const rows = await em.execute<AuditRawRow[]>(
    `SELECT ${AUDIT_ROW_COLUMNS} FROM audit_event
      WHERE (audit_event.request_id IN (?)
             OR (audit_event.subject_type = 'identity' AND audit_event.subject_id = ? ${period.map((p) => `AND ${p}`).join(' ')}))
        AND audit_event.seq <= ?::bigint
      ORDER BY audit_event.seq`,
    params,
    'all',
  );
  return rows.map(toAuditRow);
}
