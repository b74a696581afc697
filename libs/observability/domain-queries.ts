import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The domain signals an operator acts on, read from PostgreSQL at scrape time (ADR 162).
 * Every query is bounded by what is OPEN (partial indexes on open tasks, pending approval steps,
 * undelivered outbox rows), by a short time window over an indexed timestamp, or by a LIMIT, so a
 * scrape costs the same on a ledger of ten rows and of ten million. All run in one read-only
 * transaction under a statement timeout: a slow database yields `jml_domain_metrics_up 0`, never
 * a hung scrape.
 */

/** How far ahead an open leaver revoke task counts as about to breach its SLA. */
export const LEAVER_DUE_SOON_SECONDS = 3600;
/** The window of recent leaver SLA outcomes and ticket delivery failures. */
export const RECENT_WINDOW = '24 hours';
/** Campaigns in review or remediation that get their own series (newest first). */
export const CAMPAIGN_SERIES_LIMIT = 50;
const STATEMENT_TIMEOUT = '5s';

export interface OpenTaskRow { system_key: string; channel: string; action: string; kind: string; open: number; overdue: number; failing: number }
export interface LeaverOpenRow { system_key: string; sla: 'pending' | 'due_soon' | 'breached'; n: number }
export interface LeaverClosedRow { system_key: string; sla: 'met' | 'breached'; n: number }
export interface OutboxRow { backlog: number; oldest_age_seconds: number; failing: number }
export interface DeliveryFailureRow { channel: string; n: number }
export interface ApprovalRow { kind: string; pending: number; overdue: number; oldest_overdue_seconds: number }
export interface CampaignRow { campaign_id: string; campaign_status: string; item_status: string; n: number; due_at_seconds: number }

export interface DomainSnapshot {
  openTasks: OpenTaskRow[];
  leaverOpen: LeaverOpenRow[];
  leaverClosed: LeaverClosedRow[];
  outbox: OutboxRow;
  deliveryFailures: DeliveryFailureRow[];
  approvals: ApprovalRow[];
  campaigns: CampaignRow[];
}

// A ticket is failing when its task is open, not delivered, and at least one attempt was recorded.
const OPEN_TASKS = `
  SELECT t.system_key, t.channel, t.action, r.kind,
         count(*)::int AS open,
         count(*) FILTER (WHERE t.due_at < now())::int AS overdue,
         count(*) FILTER (WHERE t.delivered_at IS NULL AND t.delivery_attempts > 0)::int AS failing
    FROM task t JOIN request r ON r.id = t.request_id
   WHERE t.status = 'open'
   GROUP BY 1, 2, 3, 4`;

// The same rule as the leaver SLA report and the workflow's close (libs/domain/sla).
const LEAVER_OPEN = `
  SELECT t.system_key,
         CASE WHEN t.due_at < now() THEN 'breached'
              WHEN t.due_at < now() + make_interval(secs => ${LEAVER_DUE_SOON_SECONDS}) THEN 'due_soon'
              ELSE 'pending' END AS sla,
         count(*)::int AS n
    FROM task t JOIN request r ON r.id = t.request_id
   WHERE t.status = 'open' AND t.action = 'revoke' AND r.kind = 'leaver'
   GROUP BY 1, 2`;

// Outcomes from the ledger's task.completed events of the window (indexed by occurred_at).
const LEAVER_CLOSED = `
  SELECT t.system_key, CASE WHEN t.completed_at <= t.due_at THEN 'met' ELSE 'breached' END AS sla, count(*)::int AS n
    FROM (SELECT DISTINCT subject_id FROM audit_event
           WHERE occurred_at > now() - interval '${RECENT_WINDOW}' AND action = 'task.completed' AND subject_type = 'task') e
    JOIN task t ON t.id::text = e.subject_id
    JOIN request r ON r.id = t.request_id
   WHERE t.status = 'done' AND t.action = 'revoke' AND r.kind = 'leaver'
   GROUP BY 1, 2`;

const OUTBOX = `
  SELECT count(*)::int AS backlog,
         coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age_seconds,
         count(*) FILTER (WHERE attempts > 0)::int AS failing
    FROM workflow_outbox WHERE delivered_at IS NULL`;

const DELIVERY_FAILURES = `
  SELECT coalesce(details->>'channel', 'unknown') AS channel, count(*)::int AS n
    FROM audit_event
   WHERE occurred_at > now() - interval '${RECENT_WINDOW}' AND action = 'ticket.delivery_failed'
   GROUP BY 1`;

const APPROVALS = `
  SELECT r.kind, count(*)::int AS pending,
         count(*) FILTER (WHERE s.due_at < now())::int AS overdue,
         coalesce(extract(epoch FROM now() - min(s.due_at) FILTER (WHERE s.due_at < now())), 0)::float8 AS oldest_overdue_seconds
    FROM approval_step s JOIN request r ON r.id = s.request_id
   WHERE s.status = 'pending'
   GROUP BY 1`;

const CAMPAIGNS = `
  SELECT c.id AS campaign_id, c.status AS campaign_status, i.status AS item_status, count(i.id)::int AS n,
         extract(epoch FROM c.due_at)::float8 AS due_at_seconds
    FROM (SELECT id, status, due_at FROM certification_campaign
           WHERE status IN ('generating', 'active', 'remediating')
           ORDER BY created_at DESC LIMIT ${CAMPAIGN_SERIES_LIMIT}) c
    LEFT JOIN certification_item i ON i.campaign_id = c.id
   GROUP BY 1, 2, 3, 5`;

/** Reads every domain signal in one read-only transaction (throws if PostgreSQL does not answer). */
export async function readDomainSnapshot(em: EntityManager): Promise<DomainSnapshot> {
  return em.fork().transactional(async (tx) => {
    await tx.execute(`SET TRANSACTION READ ONLY`);
    await tx.execute(`SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT}'`);
    const all = <T extends object>(sql: string) => tx.execute<T[]>(sql, [], 'all');
    const [openTasks, leaverOpen, leaverClosed, outbox, deliveryFailures, approvals, campaigns] = [
      await all<OpenTaskRow>(OPEN_TASKS),
      await all<LeaverOpenRow>(LEAVER_OPEN),
      await all<LeaverClosedRow>(LEAVER_CLOSED),
      await all<OutboxRow>(OUTBOX),
      await all<DeliveryFailureRow>(DELIVERY_FAILURES),
      await all<ApprovalRow>(APPROVALS),
      await all<CampaignRow>(CAMPAIGNS),
    ];
    return { openTasks, leaverOpen, leaverClosed, outbox: outbox[0], deliveryFailures, approvals, campaigns };
  });
}
