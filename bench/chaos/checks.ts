import { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from 'pg';
import { verifyLedger } from '../../libs/audit/chain';
import { ormOptions } from '../../libs/persistence/orm-options';
import { ticketMessageId } from '../../libs/tickets/email';
import { ticketIdempotencyKey } from '../../libs/tickets/ticket';
import type { BenchHelpdesk, BenchSmtp } from '../leaver-receivers';
import type { Ack } from './client';
import type { FlowKind, RequestFlow } from './flows';

/** A failed delivery attempt is audited once per attempt: how many depends on the faults, not on the flow. */
const PER_ATTEMPT = new Set(['ticket.delivery_failed']);

export interface ChaosChecks {
  notAtEnd: string[];
  /** Ledger rows beyond (duplicates) or short of (missing) the fault-free flow of the same kind. */
  ledgerDuplicates: number;
  ledgerMissing: number;
  ledgerNotes: string[];
  /** Distinct tickets created twice (helpdesk by Idempotency-Key, inbox by Message-ID): never allowed. */
  duplicateTickets: number;
  /** Re-sends the idempotency key / Message-ID absorbed (at-least-once delivery after a kill). */
  resends: number;
  ticketsMissing: number;
  acksLost: string[];
  verified: boolean;
  verifiedRows: number;
}

type Profile = Map<string, number>;

async function profiles(owner: Client, ids: string[]): Promise<Map<string, Profile>> {
  const { rows } = await owner.query<{ request_id: string; action: string; n: number }>(
    `SELECT request_id, action, count(*)::int AS n FROM audit_event WHERE request_id = ANY($1::text[]) GROUP BY request_id, action`, [ids]);
  const out = new Map<string, Profile>(ids.map((id) => [id, new Map()]));
  for (const r of rows) if (!PER_ATTEMPT.has(r.action)) out.get(r.request_id)!.set(r.action, r.n);
  return out;
}

/** Compares each flow's ledger rows, action by action, with the baseline flow of its kind. */
async function ledgerAgainstBaseline(owner: Client, flows: RequestFlow[], baseline: Record<FlowKind, RequestFlow>) {
  const all = await profiles(owner, [...flows, ...Object.values(baseline)].map((f) => f.id));
  let duplicates = 0;
  let missing = 0;
  const notes: string[] = [];
  for (const f of flows) {
    const want = all.get(baseline[f.kind].id)!;
    const got = all.get(f.id)!;
    for (const action of new Set([...want.keys(), ...got.keys()])) {
      const d = (got.get(action) ?? 0) - (want.get(action) ?? 0);
      if (d > 0) duplicates += d;
      if (d < 0) missing -= d;
      if (d !== 0 && notes.length < 10) notes.push(`${f.kind} ${f.id}: ${action} ${got.get(action) ?? 0} (baseline ${want.get(action) ?? 0})`);
    }
  }
  return { duplicates, missing, notes };
}

/** Campaign rows: one certification.decided per decided item and one of each per-task row per revoke task. */
async function campaignLedger(owner: Client, campaignId: string, decidedItems: number) {
  const { rows } = await owner.query<{ action: string; n: number; subjects: number }>(
    `SELECT action, count(*)::int AS n, count(DISTINCT subject_id)::int AS subjects FROM audit_event
      WHERE (campaign_id = $1 OR request_id IN (SELECT id::text FROM request WHERE changes->>'campaignId' = $1)) GROUP BY action`, [campaignId]);
  const dup = rows.filter((r) => !PER_ATTEMPT.has(r.action)).reduce((s, r) => s + (r.n - r.subjects), 0);
  const decided = rows.find((r) => r.action === 'certification.decided')?.subjects ?? 0;
  const completed = rows.find((r) => r.action === 'certification.completed')?.n ?? 0;
  return { duplicates: dup, missing: Math.max(0, decidedItems - decided) + (completed === 1 ? 0 : 1), notes: rows.map((r) => `${r.action} ${r.n}`) };
}

async function ackLost(owner: Client, a: Ack): Promise<boolean> {
  const q = async (sql: string, params: unknown[]) => ((await owner.query(sql, params)).rowCount ?? 0) === 0;
  switch (a.kind) {
    case 'request': return q('SELECT 1 FROM request WHERE id = $1', [a.id]);
    case 'decision': return q(`SELECT 1 FROM approval_decision WHERE request_id = $1 AND approver = 'cmgr' AND decision = 'approve'`, [a.id]);
    case 'task': return q(`SELECT 1 FROM task WHERE id = $1 AND status = 'done' AND completed_by = 'cown'`, [a.id]);
    case 'campaign': return q('SELECT 1 FROM certification_campaign WHERE id = $1', [a.id]);
    case 'item': return q('SELECT 1 FROM certification_item WHERE id = $1 AND status = $2', [a.id, a.value]);
    case 'signoff': return q(`SELECT 1 FROM certification_item WHERE campaign_id = $1 AND reviewer = 'ccm' AND signed_off_at IS NOT NULL`, [a.id]);
  }
}

/** Tickets: every webhook and e-mail task arrived once as a distinct ticket; re-sends counted apart. */
async function tickets(owner: Client, requestIds: string[], helpdesk: BenchHelpdesk, smtp: BenchSmtp) {
  const { rows } = await owner.query<{ id: string; channel: string }>(
    `SELECT id, channel FROM task WHERE request_id = ANY($1::uuid[]) AND channel IN ('webhook', 'email')`, [requestIds]);
  const missing = rows.filter((t) => (t.channel === 'webhook' ? !helpdesk.firstSeen.has(ticketIdempotencyKey(t.id)) : !smtp.firstSeen.has(ticketMessageId(ticketIdempotencyKey(t.id))))).length;
  const twice = await owner.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT subject_id FROM audit_event WHERE action = 'ticket.delivered' GROUP BY subject_id HAVING count(*) > 1) d`);
  const distinct = helpdesk.firstSeen.size + smtp.firstSeen.size;
  return { missing, duplicates: twice.rows[0].n + Math.max(0, distinct - rows.length), resends: helpdesk.resends + smtp.resends };
}

export async function runChecks(o: {
  owner: Client; serviceUrl: string; flows: RequestFlow[]; baseline: Record<FlowKind, RequestFlow>;
  campaign: { id: string; items: number } | null; acks: Ack[]; helpdesk: BenchHelpdesk; smtp: BenchSmtp;
}): Promise<ChaosChecks> {
  const requestIds = [...o.flows, ...Object.values(o.baseline)].map((f) => f.id);
  const { rows: open } = await o.owner.query<{ id: string; kind: string; status: string }>(
    `SELECT id, kind, status FROM request WHERE status <> 'completed'`);
  const notAtEnd = open.map((r) => `${r.kind} ${r.id} ${r.status}`);
  if (o.campaign) {
    const c = await o.owner.query<{ status: string }>('SELECT status FROM certification_campaign WHERE id = $1', [o.campaign.id]);
    if (c.rows[0]?.status !== 'completed') notAtEnd.push(`campaign ${o.campaign.id} ${c.rows[0]?.status}`);
  }
  const ledger = await ledgerAgainstBaseline(o.owner, o.flows, o.baseline);
  const camp = o.campaign ? await campaignLedger(o.owner, o.campaign.id, o.campaign.items) : { duplicates: 0, missing: 0, notes: [] };
  const campaignRequests = (await o.owner.query<{ id: string }>(`SELECT id FROM request WHERE kind = 'certification'`)).rows.map((r) => r.id);
  const t = await tickets(o.owner, [...requestIds, ...campaignRequests], o.helpdesk, o.smtp);
  const acksLost: string[] = [];
  for (const a of o.acks) if (await ackLost(o.owner, a)) acksLost.push(`${a.kind} ${a.id}`);
  const orm = await MikroORM.init(ormOptions({ url: o.serviceUrl, poolMax: 2 }));
  const verified = await verifyLedger(orm.em.fork());
  await orm.close(true);
  return {
    notAtEnd, ledgerDuplicates: ledger.duplicates + camp.duplicates, ledgerMissing: ledger.missing + camp.missing,
    ledgerNotes: [...ledger.notes, ...(o.campaign ? [`campaign: ${camp.notes.join(', ')}`] : [])],
    duplicateTickets: t.duplicates, resends: t.resends, ticketsMissing: t.missing, acksLost,
    verified: verified.valid, verifiedRows: verified.rowsChecked,
  };
}
