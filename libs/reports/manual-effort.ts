import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The manual-effort report: what manual provisioning costs per system and channel, measured from
 * tasks (created -> attested) and the ledger (escalations), priced with per-system assumptions.
 * The evidence-backed case for automating each system, ranked by yearly cost.
 */
export interface ManualEffortQuery {
  from: string;
  to: string;
  system?: string;
}

export interface ManualEffortDefaults {
  minutesPerTask: number;
  hourlyCost: number;
  currency: string;
}

export interface ManualEffortItem {
  rank: number;
  system: string;
  systemName: string;
  channel: string;
  tasks: { grant: number; revoke: number; total: number; cancelled: number; open: number };
  /** Task created to attested, over attested tasks; null when none was attested. */
  hoursToAttest: { median: number | null; p95: number | null; attested: number };
  overdue: number;
  escalations: number;
  assumptions: { minutesPerTask: number; hourlyCost: number; source: 'system' | 'default' };
  effort: { hours: number; cost: number };
  yearly: { tasks: number; hours: number; cost: number };
}

export interface ManualEffortReport {
  from: string;
  to: string;
  periodDays: number;
  currency: string;
  defaults: ManualEffortDefaults & { source: string };
  method: string;
  items: ManualEffortItem[];
  totals: { tasks: number; hours: number; cost: number; yearly: { tasks: number; hours: number; cost: number } };
}

interface Row {
  system_key: string;
  name: string | null;
  channel: string;
  grants: number;
  revokes: number;
  cancelled: number;
  open: number;
  attested: number;
  median_s: number | null;
  p95_s: number | null;
  overdue: number;
  escalations: number;
  minutes: number | null;
  cost: number | null;
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Per system and channel, tasks created in [from, to). Cancelled tasks count as no effort. */
export async function manualEffortReport(em: EntityManager, q: ManualEffortQuery, defaults: ManualEffortDefaults, now = new Date()): Promise<ManualEffortReport> {
  // Parameters in the order they appear in the SQL.
  const params: unknown[] = [q.from, q.to];
  let systemFilter = '';
  if (q.system) {
    systemFilter = 'AND t.system_key = ?';
    params.push(q.system);
  }
  params.push(now.toISOString());
  const rows = await em.execute<Row[]>(
    `WITH tasks AS (
       SELECT t.*, extract(epoch FROM t.completed_at - t.created_at)::float8 AS seconds
         FROM task t
        WHERE t.created_at >= ?::timestamptz AND t.created_at < ?::timestamptz ${systemFilter}
     ), escalations AS (
       SELECT e.subject_id, count(*)::int AS n FROM audit_event e
        WHERE e.subject_type = 'task' AND e.action = 'task.escalated' AND e.subject_id IN (SELECT id::text FROM tasks)
        GROUP BY e.subject_id
     )
     SELECT t.system_key, s.name, t.channel,
            count(*) FILTER (WHERE t.action = 'grant' AND t.status <> 'cancelled')::int AS grants,
            count(*) FILTER (WHERE t.action = 'revoke' AND t.status <> 'cancelled')::int AS revokes,
            count(*) FILTER (WHERE t.status = 'cancelled')::int AS cancelled,
            count(*) FILTER (WHERE t.status = 'open')::int AS open,
            count(*) FILTER (WHERE t.status = 'done' AND t.completed_at IS NOT NULL)::int AS attested,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY t.seconds) FILTER (WHERE t.status = 'done') AS median_s,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY t.seconds) FILTER (WHERE t.status = 'done') AS p95_s,
            count(*) FILTER (WHERE t.status <> 'cancelled' AND coalesce(t.completed_at, ?::timestamptz) > t.due_at)::int AS overdue,
            coalesce(sum(x.n), 0)::int AS escalations,
            s.manual_minutes_per_task AS minutes, s.manual_hourly_cost AS cost
       FROM tasks t
       LEFT JOIN target_system s ON s.key = t.system_key
       LEFT JOIN escalations x ON x.subject_id = t.id::text
      GROUP BY t.system_key, s.name, t.channel, s.manual_minutes_per_task, s.manual_hourly_cost`,
    params,
    'all',
  );
  const periodDays = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
  const yearFactor = 365 / periodDays;
  const items = rows.map((r) => itemOf(r, defaults, yearFactor)).sort((a, b) => b.yearly.cost - a.yearly.cost || b.tasks.total - a.tasks.total || (a.system < b.system ? -1 : 1));
  items.forEach((it, i) => (it.rank = i + 1));
  const sum = (f: (i: ManualEffortItem) => number) => round(items.reduce((n, i) => n + f(i), 0));
  return {
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    periodDays: round(periodDays, 3),
    currency: defaults.currency,
    defaults: { ...defaults, source: 'configuration: MANUAL_TASK_MINUTES, MANUAL_HOURLY_COST, MANUAL_COST_CURRENCY; a system overrides them with PUT /api/v1/systems/{key} { manualEffort }' },
    method:
      'Tasks created in [from, to), cancelled ones excluded from effort. Effort = tasks x minutes per task; cost = effort hours x hourly cost. ' +
      'Yearly = period figures x 365 / periodDays. Time to attest: task created to attested (done), median and 95th percentile (continuous). ' +
      'Overdue: attested after its due time, or still open past it. Escalations: task.escalated rows in the ledger.',
    items,
    totals: { tasks: sum((i) => i.tasks.total), hours: sum((i) => i.effort.hours), cost: sum((i) => i.effort.cost), yearly: { tasks: sum((i) => i.yearly.tasks), hours: sum((i) => i.yearly.hours), cost: sum((i) => i.yearly.cost) } },
  };
}

function itemOf(r: Row, d: ManualEffortDefaults, yearFactor: number): ManualEffortItem {
  const own = r.minutes !== null || r.cost !== null;
  const minutesPerTask = r.minutes ?? d.minutesPerTask;
  const hourlyCost = r.cost ?? d.hourlyCost;
  const total = r.grants + r.revokes;
  const hours = (total * minutesPerTask) / 60;
  const hoursOf = (s: number | null) => (s === null ? null : round(s / 3600, 3));
  return {
    rank: 0,
    system: r.system_key,
    systemName: r.name ?? r.system_key,
    channel: r.channel,
    tasks: { grant: r.grants, revoke: r.revokes, total, cancelled: r.cancelled, open: r.open },
    hoursToAttest: { median: hoursOf(r.median_s), p95: hoursOf(r.p95_s), attested: r.attested },
    overdue: r.overdue,
    escalations: r.escalations,
    assumptions: { minutesPerTask, hourlyCost, source: own ? 'system' : 'default' },
    effort: { hours: round(hours), cost: round(hours * hourlyCost) },
    yearly: { tasks: round(total * yearFactor, 1), hours: round(hours * yearFactor), cost: round(hours * hourlyCost * yearFactor) },
  };
}

export const MANUAL_EFFORT_CSV_COLUMNS = [
  'rank', 'system', 'systemName', 'channel', 'grantTasks', 'revokeTasks', 'tasks', 'attested', 'medianHoursToAttest', 'p95HoursToAttest',
  'overdue', 'escalations', 'minutesPerTask', 'hourlyCost', 'assumptionsFrom', 'effortHours', 'effortCost', 'yearlyTasks', 'yearlyHours', 'yearlyCost', 'currency',
] as const;

/** One CSV record per item, in MANUAL_EFFORT_CSV_COLUMNS order. */
export function manualEffortCsvValues(i: ManualEffortItem, currency: string): unknown[] {
  return [
    i.rank, i.system, i.systemName, i.channel, i.tasks.grant, i.tasks.revoke, i.tasks.total, i.hoursToAttest.attested, i.hoursToAttest.median, i.hoursToAttest.p95,
    i.overdue, i.escalations, i.assumptions.minutesPerTask, i.assumptions.hourlyCost, i.assumptions.source, i.effort.hours, i.effort.cost,
    i.yearly.tasks, i.yearly.hours, i.yearly.cost, currency,
  ];
}
