import type { AuditRow } from '../audit/query';
import { isOverdue, slaMet } from '../domain/sla';
import type { PackRequest, PackTask } from './identity-changes';

/** How a task fared against its due time, in the words the summary and changes.csv use. */
export function slaOutcome(t: PackTask, now: Date): string {
  if (t.status === 'cancelled') return 'cancelled';
  if (t.completedAt) return slaMet(t.dueAt, t.completedAt) ? 'met' : 'missed';
  return isOverdue(t.dueAt, now) ? 'open, overdue' : 'open, within SLA';
}

/** The ledger rows of a request (subject: the request, or one of its approval steps) and of one of its tasks. */
export function ledgerSeqsOf(rows: AuditRow[], r: PackRequest, t: PackTask | null): string[] {
  return rows
    .filter((e) => e.requestId === r.id && (e.subject.type !== 'task' || (t !== null && e.subject.id === t.id)))
    .map((e) => e.seq);
}

export const CHANGES_COLUMNS = [
  'requestId', 'kind', 'requestStatus', 'identity', 'system', 'action', 'entitlements', 'requestedBy', 'requestedAt',
  'approvedBy', 'taskCreatedAt', 'dueAt', 'ticket', 'ticketDeliveredAt', 'attestedBy', 'attestedAt', 'slaOutcome', 'ledgerSeqs',
] as const;

const oneLine = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/** One line per task (an access change on one system); a request without tasks gets one line of its own. */
export function changeLines(identity: string, requests: PackRequest[], rows: AuditRow[], now: Date): Record<(typeof CHANGES_COLUMNS)[number], string>[] {
  return requests.flatMap((r) => {
    const approvedBy = r.steps
      .flatMap((s) => s.decisions)
      .map((d) => oneLine(`${d.approverName} (${d.approver}) ${d.decision} ${d.decidedAt}`))
      .join('; ');
    const base = {
      requestId: r.id, kind: r.kind, requestStatus: r.status, identity,
      requestedBy: oneLine(`${r.requester.name} (${r.requester.id})`), requestedAt: r.createdAt, approvedBy,
    };
    if (r.tasks.length === 0) {
      return [{ ...base, system: '', action: '', entitlements: '', taskCreatedAt: '', dueAt: '', ticket: '', ticketDeliveredAt: '', attestedBy: '', attestedAt: '', slaOutcome: '', ledgerSeqs: ledgerSeqsOf(rows, r, null).join(';') }];
    }
    return r.tasks.map((t) => ({
      ...base,
      system: t.system, action: t.action, entitlements: t.entitlements.join(';'), taskCreatedAt: t.createdAt, dueAt: t.dueAt,
      ticket: oneLine(t.externalRef), ticketDeliveredAt: t.deliveredAt ?? '',
      attestedBy: t.completedBy ? oneLine(`${t.completedByName ?? ''} (${t.completedBy})`) : '', attestedAt: t.completedAt ?? '',
      slaOutcome: slaOutcome(t, now), ledgerSeqs: ledgerSeqsOf(rows, r, t).join(';'),
    }));
  });
}
