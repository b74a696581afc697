import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, type AuditActor, type AuditEventInput } from '../../../../libs/audit/ledger';
import { recordAuditEvents } from '../../../../libs/audit/ledger-bulk';
import { findCampaign, type CampaignRow } from '../../../../libs/certification/campaign-store';
import { enqueueSignal } from '../../../../libs/requests/outbox';
import { campaignChangedSignal } from '../../../../workflows/certification-definitions';
import { actorOf, type Principal } from '../auth/policy';
import { OutboxRelayService } from '../requests/outbox-relay.service';
import type { DecisionsDto, ReassignDto } from './certifications.dto';

interface ItemRow {
  id: string;
  reviewer: string;
  status: string;
  signed_off_at: Date | null;
  identity_key: string;
  role_key: string;
  system_key: string;
}

type Tx = EntityManager;

/**
 * A reviewer's writes: bulk decisions (all or nothing), reassignment and sign-off. Each call is
 * one transaction: the campaign row shared-locked (so the worker's deadline or cancel cannot
 * interleave), the items row-locked, every item's ledger row written in one statement, and a
 * `campaignChanged` signal queued for the workflow's live counts.
 */
@Injectable()
export class ReviewService {
  constructor(private readonly em: EntityManager, private readonly relay: OutboxRelayService) {}

  private async locked(tx: Tx, campaignId: string, ids: string[]): Promise<{ c: CampaignRow; rows: ItemRow[] }> {
    const c = await findCampaign(tx, campaignId, 'share');
    if (!c) throw new NotFoundException(`campaign ${campaignId} not found`);
    if (c.status !== 'active') throw new ConflictException(`campaign is ${c.status}: reviews happen while it is active`);
    const rows = await tx.execute<ItemRow[]>(
      `SELECT id, reviewer, status, signed_off_at, identity_key, role_key, system_key FROM certification_item
        WHERE campaign_id = ? AND id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid) ORDER BY id FOR UPDATE`,
      [campaignId, JSON.stringify(ids)],
    );
    const found = new Set(rows.map((r) => r.id));
    const unknown = ids.filter((i) => !found.has(i));
    if (unknown.length > 0) {
      throw new BadRequestException({ message: 'Invalid input', details: [{ path: 'items', problems: [`not items of campaign ${campaignId}: ${unknown.join(', ')}`] }] });
    }
    return { c, rows };
  }

  /** Queues the workflow's signal and flushes it (the outbox id exists after the flush). */
  private async signal(tx: Tx, c: CampaignRow, reason: string): Promise<string> {
    const row = enqueueSignal(tx, c.workflow_id, { signal: campaignChangedSignal.name, args: [{ reason }] });
    await tx.flush();
    return row.id;
  }

  private static refuse(rows: ItemRow[], me: string): void {
    const notMine = rows.filter((r) => r.reviewer !== me).map((r) => r.id);
    if (notMine.length > 0) throw new ForbiddenException({ message: `${notMine.length} items are not yours to review`, details: { items: notMine } });
    const closed = rows.filter((r) => r.signed_off_at || r.status === 'not_reviewed').map((r) => r.id);
    if (closed.length > 0) throw new ConflictException({ message: `${closed.length} items are closed (signed off, or decided by the deadline policy)`, details: { items: closed } });
  }

  /** Bulk decisions (<= 1,000): every item must be the caller's and open, or nothing changes. */
  async decide(principal: Principal, campaignId: string, dto: DecisionsDto): Promise<{ accepted: number }> {
    const ids = dto.decisions.map((d) => d.item);
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dupes.length > 0) throw new BadRequestException({ message: 'Invalid input', details: [{ path: 'decisions', problems: [`items decided twice in one call: ${[...new Set(dupes)].join(', ')}`] }] });
    const by = actorOf(principal);
    const call = randomUUID();
    const outboxId = await this.em.fork().transactional(async (tx) => {
      const { c, rows } = await this.locked(tx, campaignId, ids);
      ReviewService.refuse(rows, by.id);
      const previous = new Map(rows.map((r) => [r.id, r]));
      const changes = dto.decisions.map((d) => ({ id: d.item, status: d.decision === 'certify' ? 'certified' : 'revoked', comment: d.comment ?? null }));
      await tx.execute(
        `UPDATE certification_item ci SET status = x.status, comment = x.comment, decided_by = ?, decided_by_name = ?, decided_at = now()
           FROM jsonb_to_recordset(?::jsonb) AS x(id uuid, status text, comment text) WHERE ci.id = x.id`,
        [by.id, by.name, JSON.stringify(changes)],
      );
      const outbox = await this.signal(tx, c, 'decisions');
      await recordAuditEvents(tx, dto.decisions.map((d): AuditEventInput => {
        const p = previous.get(d.item)!;
        return {
          actor: by, action: 'certification.decided', subject: { type: 'certification_item', id: d.item }, campaignId: c.id, workflowId: c.workflow_id,
          details: { decision: d.decision, comment: d.comment ?? null, previous: p.status, identity: p.identity_key, role: p.role_key, system: p.system_key },
          idempotencyKey: `certification:${d.item}:decided:${call}`,
        };
      }));
      return outbox;
    });
    this.relay.kick([outboxId]);
    return { accepted: dto.decisions.length };
  }

  /** Hands items to another active person (never the subject); audited per item, flagged reviewer_changed. */
  async reassign(principal: Principal, campaignId: string, dto: ReassignDto): Promise<{ reassigned: number; to: string }> {
    const by = actorOf(principal);
    const outboxId = await this.em.fork().transactional(async (tx) => {
      const { c, rows } = await this.locked(tx, campaignId, dto.items);
      const [target] = await tx.execute<{ status: string }[]>('SELECT status FROM identity WHERE key = ?', [dto.to]);
      const problems: string[] = [];
      if (!target) problems.push(`${dto.to} is not a known identity`);
      else if (target.status !== 'active') problems.push(`${dto.to} is ${target.status}, not active`);
      const own = rows.filter((r) => r.identity_key === dto.to).map((r) => r.id);
      if (own.length > 0) problems.push(`nobody reviews their own access: ${dto.to} is the subject of ${own.join(', ')}`);
      if (problems.length > 0) throw new BadRequestException({ message: 'Invalid input', details: [{ path: 'to', problems }] });
      if (!principal.roles.includes('admin')) ReviewService.refuse(rows, by.id);
      else ReviewService.refuse(rows.map((r) => ({ ...r, reviewer: by.id })), by.id);
      await tx.execute(
        `UPDATE certification_item SET reviewer = ?, routing = 'reassigned',
                flags = CASE WHEN 'reviewer_changed' = ANY(flags) THEN flags ELSE array_append(flags, 'reviewer_changed') END
          WHERE campaign_id = ? AND id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid)`,
        [dto.to, c.id, JSON.stringify(dto.items)],
      );
      await tx.execute(
        `INSERT INTO certification_reviewer (campaign_id, reviewer) VALUES (?, ?) ON CONFLICT (campaign_id, reviewer) DO UPDATE SET signed_off_at = NULL`,
        [c.id, dto.to]);
      const outbox = await this.signal(tx, c, 'reassigned');
      const call = randomUUID();
      await recordAuditEvents(tx, rows.map((r): AuditEventInput => ({
        actor: by, action: 'certification.reassigned', subject: { type: 'certification_item', id: r.id }, campaignId: c.id, workflowId: c.workflow_id,
        details: { from: r.reviewer, to: dto.to, reason: dto.reason, identity: r.identity_key }, idempotencyKey: `certification:${r.id}:reassigned:${call}`,
      })));
      return outbox;
    });
    this.relay.kick([outboxId]);
    return { reassigned: dto.items.length, to: dto.to };
  }

  /** Finishes the caller's review: 409 naming every item still pending. */
  async signOff(principal: Principal, campaignId: string): Promise<{ reviewer: string; signedOffAt: string; items: number }> {
    const by: AuditActor = actorOf(principal);
    const result = await this.em.fork().transactional(async (tx) => {
      const c = await findCampaign(tx, campaignId, 'share');
      if (!c) throw new NotFoundException(`campaign ${campaignId} not found`);
      if (c.status !== 'active') throw new ConflictException(`campaign is ${c.status}: sign-off happens while it is active`);
      const [me] = await tx.execute<{ signed_off_at: Date | null }[]>(
        'SELECT signed_off_at FROM certification_reviewer WHERE campaign_id = ? AND reviewer = ? FOR UPDATE', [c.id, by.id]);
      const mine = await tx.execute<{ id: string; status: string }[]>(
        'SELECT id, status FROM certification_item WHERE campaign_id = ? AND reviewer = ? AND signed_off_at IS NULL', [c.id, by.id]);
      if (!me) throw new ForbiddenException('you have no items in this campaign');
      const pending = mine.filter((i) => i.status === 'pending').map((i) => i.id);
      if (pending.length > 0) throw new ConflictException({ message: `${pending.length} items are still pending`, details: { items: pending } });
      if (me.signed_off_at && mine.length === 0) return { outbox: null, at: new Date(me.signed_off_at), items: 0 };
      const [{ at }] = await tx.execute<{ at: Date }[]>(
        'UPDATE certification_reviewer SET signed_off_at = now() WHERE campaign_id = ? AND reviewer = ? RETURNING signed_off_at AS at', [c.id, by.id]);
      await tx.execute('UPDATE certification_item SET signed_off_at = ? WHERE campaign_id = ? AND reviewer = ? AND signed_off_at IS NULL', [at, c.id, by.id]);
      const outbox = await this.signal(tx, c, 'signed_off');
      await recordAuditEvent(tx, {
        actor: by, action: 'certification.signed_off', subject: { type: 'certification_campaign', id: c.id }, campaignId: c.id, workflowId: c.workflow_id,
        details: { reviewer: by.id, items: mine.length, certified: mine.filter((i) => i.status === 'certified').length, revoked: mine.filter((i) => i.status === 'revoked').length },
        idempotencyKey: `certification:${c.id}:signed-off:${by.id}:${new Date(at).toISOString()}`,
      });
      return { outbox, at: new Date(at), items: mine.length };
    });
    if (result.outbox) this.relay.kick([result.outbox]);
    return { reviewer: by.id, signedOffAt: result.at.toISOString(), items: result.items };
  }
}
