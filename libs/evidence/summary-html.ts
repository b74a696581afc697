import type { AuditRow } from '../audit/query';
import type { Checkpoint } from '../audit/checkpoint';
import { ledgerSeqsOf, slaOutcome } from './changes';
import type { IdentityScope, PackIdentity, PackRequest, PackTask } from './identity-changes';

const esc = (v: unknown) =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A timestamp an auditor reads: `2026-11-30 08:17:12 UTC`. */
const when = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '');

const KIND_WORDS: Record<string, string> = { joiner: 'Joiner (new access)', mover: 'Mover (change of access)', leaver: 'Leaver (removal of access)' };

export interface SummaryInput {
  identity: PackIdentity;
  scope: IdentityScope;
  requests: PackRequest[];
  rows: AuditRow[];
  checkpoint: Checkpoint | null;
  keyId: string;
  generatedAt: Date;
}

function approvals(r: PackRequest): string {
  if (r.steps.length === 0) return '<p>No approval was required for this request.</p>';
  const items = r.steps.map((s) => {
    const decided = s.decisions.map((d) =>
      `<li><strong>${esc(d.decision === 'approve' ? 'Approved' : 'Rejected')}</strong> by ${esc(d.approverName)} (${esc(d.approver)}) on ${esc(when(d.decidedAt))}${d.comment ? `, saying: &ldquo;${esc(d.comment)}&rdquo;` : ''}</li>`,
    );
    const none = s.decisions.length === 0 ? `<li>No decision recorded (step ${esc(s.status)}; eligible: ${esc(s.eligibleApprovers.join(', ') || 'nobody')}).</li>` : '';
    return `<li>Step ${s.step}, ${esc(s.label)} (${s.required} approver${s.required > 1 ? 's' : ''} needed): <ul>${decided.join('')}${none}</ul></li>`;
  });
  return `<ol class="steps">${items.join('')}</ol>`;
}

function taskRow(t: PackTask, now: Date): string {
  const attested = t.completedBy ? `${esc(t.completedByName)} (${esc(t.completedBy)}) on ${esc(when(t.completedAt))}${t.note ? `: &ldquo;${esc(t.note)}&rdquo;` : ''}` : 'not yet';
  const ticket = t.externalRef ? `${esc(t.externalRef)}` : '(none)';
  const delivered = t.deliveredAt ? `delivered ${esc(when(t.deliveredAt))} via ${esc(t.channel)}` : `not delivered (${t.deliveryAttempts} attempt${t.deliveryAttempts === 1 ? '' : 's'}, ${esc(t.channel)})`;
  return `<tr><td>${esc(t.system)}</td><td>${t.action === 'grant' ? 'Grant' : 'Revoke'} ${esc(t.entitlements.join(', '))}</td><td>${ticket}<br>${delivered}</td>` +
    `<td>${esc(when(t.createdAt))}</td><td>${esc(when(t.dueAt))}</td><td>${attested}</td><td>${esc(slaOutcome(t, now))}${t.escalationLevel ? `, escalated ${t.escalationLevel}&times;` : ''}</td></tr>`;
}

function requestSection(r: PackRequest, rows: AuditRow[], now: Date): string {
  // A leaver's request carries no diff: what it removes is what its revoke tasks name.
  const fromTasks = r.diff.add.length + r.diff.remove.length === 0;
  const changes = fromTasks
    ? r.tasks.map((t) => `<li>${t.action === 'grant' ? 'Add' : 'Remove'} ${esc(t.system)} / ${esc(t.entitlements.join(', '))}</li>`)
    : [
        ...r.diff.add.map((d) => `<li>Add ${esc(d.system)} / ${esc(d.entitlement)}</li>`),
        ...r.diff.remove.map((d) => `<li>Remove ${esc(d.system)} / ${esc(d.entitlement)}</li>`),
      ];
  const tasks = r.tasks.length
    ? `<table><thead><tr><th>System</th><th>Change</th><th>Ticket</th><th>Task created</th><th>Due</th><th>Carried out and attested by</th><th>SLA</th></tr></thead><tbody>${r.tasks.map((t) => taskRow(t, now)).join('')}</tbody></table>`
    : '<p>No task was created (nothing to carry out, or the request did not reach provisioning).</p>';
  const seqs = ledgerSeqsOf(rows, r, null).concat(r.tasks.flatMap((t) => ledgerSeqsOf(rows, r, t)));
  return `<section class="request">
<h2>${esc(KIND_WORDS[r.kind] ?? r.kind)}: request ${esc(r.id)}</h2>
<p class="status">Status: <strong>${esc(r.status)}</strong>${r.completedAt ? ` on ${esc(when(r.completedAt))}` : ''}${r.outcome ? ` (${esc(r.outcome)})` : ''}.</p>
<p>Asked by <strong>${esc(r.requester.name)}</strong> (${esc(r.requester.type)} ${esc(r.requester.id)}) on ${esc(when(r.createdAt))}${r.effectiveAt ? `, effective ${esc(when(r.effectiveAt))}` : ''}.
${r.justification ? `Justification: &ldquo;${esc(r.justification)}&rdquo;.` : 'No justification given.'}</p>
${r.roles.length || r.removeRoles.length ? `<p>Roles: ${r.roles.length ? `add ${esc(r.roles.join(', '))}` : ''}${r.removeRoles.length ? ` remove ${esc(r.removeRoles.join(', '))}` : ''}.</p>` : ''}
<h3>Access change</h3>${changes.length ? `<ul>${changes.join('')}</ul>` : '<p>No change of entitlements.</p>'}
<h3>Approvals</h3>${approvals(r)}
<h3>Tickets and attestation</h3>${tasks}
<p class="ledger">Ledger rows behind this page (ledger.jsonl): ${esc([...new Set(seqs)].sort((a, b) => Number(a) - Number(b)).join(', ') || 'none')}.</p>
</section>`;
}

export const SUMMARY_STYLE = `body{font:14px/1.45 system-ui,sans-serif;color:#1b1b1b;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:2px solid #2a5d8f;padding-bottom:.2rem}
h3{font-size:1rem;margin:.9rem 0 .3rem}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #bbb;padding:.3rem .4rem;text-align:left;vertical-align:top}th{background:#eef3f8}
.meta{color:#444}.request{page-break-before:always;margin-top:2rem}.ledger{color:#555;font-size:12px}
.verify{background:#f5f7f0;border:1px solid #c8d3b5;padding:.6rem 1rem}@media print{.request{margin-top:0}}`;

/** The box telling an auditor how to check the pack (shared by identity and campaign packs). */
export function verifyNote(keyId: string, checkpoint: Checkpoint | null): string {
  const s = { keyId, checkpoint };
  return `<div class="verify"><strong>How to check this pack.</strong> In a directory holding the unzipped files, run <code>node verify.mjs</code> (Node.js 20 or later, no network).
It recomputes every ledger hash and link, checks that the chain runs without a gap between checkpoints signed with the service's Ed25519 key
(key id <code>${esc(s.keyId)}</code>; compare it with <code>GET /api/v1/audit/checkpoint-key</code> or your own records), and checks every file against SHA256SUMS and its signature.
${s.checkpoint ? `The ledger head was checkpointed for this pack at row ${esc(s.checkpoint.seq)} on ${esc(when(s.checkpoint.at))}.` : 'The ledger was empty.'}</div>`;
}

/** summary.html: one section (one printed page) per request, in plain words. */
export function renderSummary(s: SummaryInput): string {
  const period = `${s.scope.from ? when(s.scope.from) : 'the beginning of the ledger'} to ${s.scope.to ? when(s.scope.to) : 'the time of this pack'}`;
  const changes = s.requests.reduce((n, r) => n + Math.max(r.tasks.length, 1), 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence pack: ${esc(s.identity.name)} (${esc(s.identity.key)})</title><style>${SUMMARY_STYLE}</style></head>
<body>
<h1>Access evidence for ${esc(s.identity.name)} (${esc(s.identity.key)})</h1>
<p class="meta">${esc(s.identity.title ?? '')}${s.identity.department ? `, ${esc(s.identity.department)}` : ''}; status today: ${esc(s.identity.status)}.<br>
Period: ${esc(period)}. Generated ${esc(when(s.generatedAt.toISOString()))}.</p>
<p>${s.requests.length} request${s.requests.length === 1 ? '' : 's'} and ${changes} access change${changes === 1 ? '' : 's'} in scope, backed by ${s.rows.length} ledger row${s.rows.length === 1 ? '' : 's'}.
Each request has its own page below: who asked, who approved and when, the tickets and their delivery, who carried out and attested each change, and whether it met its SLA.</p>
${verifyNote(s.keyId, s.checkpoint)}
${s.requests.map((r) => requestSection(r, s.rows, s.generatedAt)).join('\n')}
</body></html>
`;
}
