import type { AuditRow } from '../audit/query';
import type { PackCampaign, PackItem } from './campaign';

const esc = (v: unknown) =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const when = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '');

/** The ledger rows of one item: its decisions (subject: the item) and its remediation task's rows. */
export function itemSeqs(rows: AuditRow[], item: PackItem): string[] {
  return rows
    .filter((r) => (r.subject.type === 'certification_item' && r.subject.id === item.id) || (item.task !== null && r.subject.type === 'task' && r.subject.id === item.task.id))
    .map((r) => r.seq);
}

export const CAMPAIGN_CHANGES_COLUMNS = [
  'campaignId', 'identity', 'identityName', 'role', 'roleVersion', 'system', 'entitlements', 'flags', 'reviewer', 'routing', 'decision',
  'decidedBy', 'decidedAt', 'comment', 'signedOffAt', 'remediationTask', 'remediationStatus', 'remediatedBy', 'remediatedAt', 'ledgerSeqs',
] as const;

export function campaignChangeRecords(c: PackCampaign, items: PackItem[], rows: AuditRow[]): unknown[][] {
  return items.map((i) => [
    c.id, i.identity, i.identityName, i.role, i.roleVersion, i.system, i.entitlements.join(';'), i.flags.join(';'), i.reviewer, i.routing, i.status,
    i.decidedBy ? `${i.decidedByName ?? ''} (${i.decidedBy})` : '', i.decidedAt ?? '', (i.comment ?? '').replace(/\s+/g, ' ').trim(), i.signedOffAt ?? '',
    i.task?.id ?? '', i.task?.status ?? '', i.task?.completedBy ? `${i.task.completedByName ?? ''} (${i.task.completedBy})` : '', i.task?.completedAt ?? '',
    itemSeqs(rows, i).join(';'),
  ]);
}

function countBy<T>(list: T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const t of list) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const table = (head: string[], body: string[][]) =>
  `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

/** summary.html of a campaign: access at launch, decisions, remediation, access after; then every item. */
export function renderCampaignSummary(c: PackCampaign, items: PackItem[], rows: AuditRow[], style: string, verifyNote: string, generatedAt: Date): string {
  const decided = countBy(items, (i) => i.status);
  const revoked = items.filter((i) => i.status === 'revoked');
  const removed = revoked.filter((i) => i.task?.status === 'done');
  const reviewers = countBy(items, (i) => i.reviewer).map(([r, n]) => {
    const mine = items.filter((i) => i.reviewer === r);
    const signed = mine.map((i) => i.signedOffAt).filter(Boolean).sort().at(-1) ?? null;
    return [esc(r), String(n), String(mine.filter((i) => i.status === 'certified').length), String(mine.filter((i) => i.status === 'revoked').length),
      String(mine.filter((i) => i.status === 'not_reviewed' || i.status === 'pending').length), esc(signed ? when(signed) : 'not signed off')];
  });
  const remediation = revoked.map((i) => [esc(`${i.identityName} (${i.identity})`), esc(`${i.system}: ${i.entitlements.join(', ')}`), esc(i.decidedByName ?? i.decidedBy ?? 'policy'),
    esc(i.task ? `${i.task.status}${i.task.externalRef ? `, ${i.task.externalRef}` : ''}` : 'no task'), esc(i.task?.completedBy ? `${i.task.completedByName ?? ''} (${i.task.completedBy}) ${when(i.task.completedAt)}` : 'not yet')]);
  const every = items.map((i) => [esc(`${i.identityName} (${i.identity})`), esc(`${i.role} v${i.roleVersion}`), esc(`${i.system}: ${i.entitlements.join(', ')}`), esc(i.flags.join(', ')),
    esc(i.reviewer), esc(i.status), esc(i.decidedAt ? `${i.decidedByName ?? i.decidedBy} ${when(i.decidedAt)}` : ''), esc(i.comment ?? ''), esc(itemSeqs(rows, i).join(', '))]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence pack: campaign ${esc(c.name)}</title><style>${style}</style></head>
<body>
<h1>Access certification: ${esc(c.name)}</h1>
<p class="meta">Campaign ${esc(c.id)}; scope: ${esc(c.scope)}; reviewers: ${esc(c.reviewerKind)} (fallback ${esc(c.fallbackReviewer)}); deadline policy: ${esc(c.deadlinePolicy)}.<br>
Started by ${esc(c.createdByName)} (${esc(c.createdBy)}) on ${esc(when(c.createdAt))}; due ${esc(when(c.dueAt))}; status ${esc(c.status)}${c.outcome ? ` (${esc(c.outcome)})` : ''}${c.completedAt ? `, completed ${esc(when(c.completedAt))}` : ''}. Generated ${esc(when(generatedAt.toISOString()))}.</p>
${verifyNote}
<section class="request"><h2>Access at launch</h2><p>${items.length} item${items.length === 1 ? '' : 's'} (one per access assignment and system) were put to reviewers.</p>
${table(['System', 'Items'], countBy(items, (i) => i.system).map(([s, n]) => [esc(s), String(n)]))}</section>
<section class="request"><h2>Decisions</h2><p>${decided.map(([s, n]) => `${n} ${esc(s.replace('_', ' '))}`).join(', ')}.</p>
${table(['Reviewer', 'Items', 'Certified', 'Revoked', 'Not reviewed', 'Signed off'], reviewers)}</section>
<section class="request"><h2>Remediation</h2><p>${revoked.length} revoked item${revoked.length === 1 ? '' : 's'}; ${removed.length} removed and attested.</p>
${revoked.length ? table(['Person', 'Access', 'Revoked by', 'Task', 'Carried out and attested by'], remediation) : ''}</section>
<section class="request"><h2>Access after</h2><p>${items.length - removed.length} of ${items.length} items remain: ${items.filter((i) => i.status === 'certified').length} certified, ${items.filter((i) => i.status === 'not_reviewed' || i.status === 'pending').length} kept without review, ${revoked.length - removed.length} revoked but not yet removed.</p></section>
<section class="request"><h2>Every item</h2>${table(['Person', 'Role', 'Access', 'Flags', 'Reviewer', 'Decision', 'Decided', 'Comment', 'Ledger rows'], every)}</section>
</body></html>
`;
}
