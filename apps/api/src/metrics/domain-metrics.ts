import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Gauge, Registry } from 'prom-client';
import {
  CAMPAIGN_SERIES_LIMIT, LEAVER_DUE_SOON_SECONDS, readDomainSnapshot, RECENT_WINDOW, type DomainSnapshot,
} from '../../../../libs/observability/domain-queries';
import { TemporalClientService } from '../../../../libs/temporal/temporal-client.module';
import { countPollers } from './worker-pollers';

/**
 * Domain gauges of the scrape (ADR 162), in a registry of their own per application so two API
 * instances in one process (tests) never share values. Every scrape re-reads PostgreSQL and
 * Temporal's task queue; label sets that disappeared (a system with no open task any more) are
 * dropped by resetting each gauge before it is filled.
 */
@Injectable()
export class DomainMetrics {
  readonly registry = new Registry();
  private readonly log = new Logger(DomainMetrics.name);
  private inFlight: Promise<void> | null = null;

  private gauge<K extends string>(name: string, help: string, labelNames: readonly K[] = []): Gauge<K> {
    return new Gauge<K>({ name, help, labelNames, registers: [this.registry] });
  }

  private readonly up = this.gauge('jml_domain_metrics_up', '1 when the last scrape read PostgreSQL, 0 when it failed (the other jml_ domain gauges are then absent)');
  private readonly duration = this.gauge('jml_domain_metrics_scrape_duration_seconds', 'Time the domain queries of this scrape took');
  private readonly tasksOpen = this.gauge('jml_tasks_open', 'Open tasks (grant or revoke work on a target system) by system, channel, action and request kind', ['system', 'channel', 'action', 'kind']);
  private readonly tasksOverdue = this.gauge('jml_tasks_overdue', 'Open tasks past their due time', ['system', 'channel', 'action', 'kind']);
  private readonly ticketsFailing = this.gauge('jml_ticket_delivery_failing', 'Open tasks whose ticket is not delivered after at least one failed attempt', ['system', 'channel']);
  private readonly ticketFailures = this.gauge('jml_ticket_delivery_failures_recent', `Failed ticket delivery attempts (ledger ticket.delivery_failed) in the last ${RECENT_WINDOW}`, ['channel']);
  private readonly leaverOpen = this.gauge('jml_leaver_tasks_open', `Open leaver revoke tasks by SLA state: pending, due_soon (due within ${LEAVER_DUE_SOON_SECONDS} s), breached (past due)`, ['system', 'sla']);
  private readonly leaverClosed = this.gauge('jml_leaver_tasks_closed_recent', `Leaver revoke tasks attested in the last ${RECENT_WINDOW} by SLA outcome (met: done at or before due)`, ['system', 'sla']);
  private readonly outboxBacklog = this.gauge('jml_outbox_backlog', 'Workflow starts and signals committed but not yet accepted by Temporal');
  private readonly outboxOldest = this.gauge('jml_outbox_oldest_age_seconds', 'Age of the oldest undelivered outbox row (0 when none)');
  private readonly outboxFailing = this.gauge('jml_outbox_failing', 'Undelivered outbox rows with at least one failed attempt');
  private readonly approvalsPending = this.gauge('jml_approvals_pending', 'Approval steps waiting for a decision, by request kind', ['kind']);
  private readonly approvalsOverdue = this.gauge('jml_approvals_overdue', 'Approval steps waiting past their SLA (APPROVAL_SLA), by request kind', ['kind']);
  private readonly approvalsOldest = this.gauge('jml_approvals_oldest_overdue_seconds', 'How long the longest-overdue approval step is past its SLA', ['kind']);
  private readonly campaignItems = this.gauge('jml_campaign_items', `Certification items by status of the ${CAMPAIGN_SERIES_LIMIT} newest open campaigns`, ['campaign', 'status']);
  private readonly campaignDue = this.gauge('jml_campaign_due_timestamp_seconds', 'Review deadline of each open campaign (Unix time)', ['campaign', 'status']);
  private readonly pollers = this.gauge('jml_worker_pollers', 'Worker pollers Temporal saw on the task queue in the last 2 minutes (0: no worker is serving it)', ['task_queue', 'type']);

  private readonly resettable: Gauge[] = [
    this.tasksOpen, this.tasksOverdue, this.ticketsFailing, this.ticketFailures, this.leaverOpen, this.leaverClosed,
    this.outboxBacklog, this.outboxOldest, this.outboxFailing, this.approvalsPending, this.approvalsOverdue,
    this.approvalsOldest, this.campaignItems, this.campaignDue, this.pollers,
  ] as Gauge[];

  constructor(private readonly em: EntityManager, private readonly temporal: TemporalClientService) {}

  /** Re-reads every signal; concurrent scrapes share one read. Never throws. */
  refresh(): Promise<void> {
    this.inFlight ??= this.read().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async read(): Promise<void> {
    const end = this.duration.startTimer();
    const [snapshot, pollers] = await Promise.allSettled([readDomainSnapshot(this.em), countPollers(this.temporal)]);
    for (const g of this.resettable) g.reset();
    if (snapshot.status === 'fulfilled') this.fill(snapshot.value);
    else this.log.warn(`domain metrics unavailable: ${(snapshot.reason as Error).message}`);
    this.up.set(snapshot.status === 'fulfilled' ? 1 : 0);
    // An unreachable Temporal frontend leaves the pollers absent, not 0: "no worker" is not known then.
    if (pollers.status === 'fulfilled') {
      for (const p of pollers.value) this.pollers.set({ task_queue: p.taskQueue, type: p.type }, p.count);
    }
    end();
  }

  private fill(s: DomainSnapshot): void {
    const failing = new Map<string, number>();
    for (const r of s.openTasks) {
      const labels = { system: r.system_key, channel: r.channel, action: r.action, kind: r.kind };
      this.tasksOpen.set(labels, r.open);
      this.tasksOverdue.set(labels, r.overdue);
      const key = `${r.system_key}\u0000${r.channel}`;
      failing.set(key, (failing.get(key) ?? 0) + r.failing);
    }
    for (const [key, n] of failing) {
      const [system, channel] = key.split('\u0000');
      this.ticketsFailing.set({ system, channel }, n);
    }
    for (const r of s.deliveryFailures) this.ticketFailures.set({ channel: r.channel }, r.n);
    for (const r of s.leaverOpen) this.leaverOpen.set({ system: r.system_key, sla: r.sla }, r.n);
    for (const r of s.leaverClosed) this.leaverClosed.set({ system: r.system_key, sla: r.sla }, r.n);
    this.outboxBacklog.set(s.outbox.backlog);
    this.outboxOldest.set(s.outbox.oldest_age_seconds);
    this.outboxFailing.set(s.outbox.failing);
    for (const r of s.approvals) {
      this.approvalsPending.set({ kind: r.kind }, r.pending);
      this.approvalsOverdue.set({ kind: r.kind }, r.overdue);
      this.approvalsOldest.set({ kind: r.kind }, r.oldest_overdue_seconds);
    }
    this.fillCampaigns(s);
  }

  private fillCampaigns(s: DomainSnapshot): void {
    for (const r of s.campaigns) {
      this.campaignDue.set({ campaign: r.campaign_id, status: r.campaign_status }, r.due_at_seconds);
      // A campaign still generating has no items yet (the LEFT JOIN's NULL status).
      if (r.item_status) this.campaignItems.set({ campaign: r.campaign_id, status: r.item_status }, r.n);
    }
  }
}
