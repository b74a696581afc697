import { ConflictException, NotFoundException } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, type AuditActor } from '../audit/ledger';
import { isUniqueViolation, loadRefs } from './db-refs';
import { SodRule } from './entities/sod-rule.entity';
import type { CreateSodRuleInput, PutSodRuleInput, SodRuleBody } from './inputs';
import { cursorCodec, pageLimit, toPage, type Page, type PageQuery } from './pagination';
import { Problems } from './problems';
import { checkSodRule } from './refs';
import { sodRuleView, type SodRuleView } from './views';

export type SodStatusFilter = 'active' | 'retired' | 'all';

const SOD_RULES_CURSOR = cursorCodec('sod-rules', ['text']);

export async function listSodRules(em: EntityManager, q: PageQuery & { status?: SodStatusFilter }): Promise<Page<SodRuleView>> {
  const limit = pageLimit(q.limit);
  const after = SOD_RULES_CURSOR.decode(q.cursor)?.[0];
  const status = q.status ?? 'active';
  const where: Record<string, unknown> = {};
  if (after) where.key = { $gt: after };
  if (status === 'active') where.retiredAt = null;
  if (status === 'retired') where.retiredAt = { $ne: null };
  const rows = await em.find(SodRule, where, { orderBy: { key: 'asc' }, limit: limit + 1 });
  return toPage(rows, limit, SOD_RULES_CURSOR, (r) => [r.key], sodRuleView);
}

export async function getSodRule(em: EntityManager, key: string): Promise<SodRuleView> {
  const r = await em.findOne(SodRule, { key });
  if (!r) throw new NotFoundException(`No SoD rule "${key}"`);
  return sodRuleView(r);
}

export function sodSets(body: SodRuleBody): SodRule['sets'] {
  return body.sets.map((s) => ({
    ...(s.label ? { label: s.label } : {}),
    roles: [...new Set(s.roles)].sort(),
    entitlements: s.entitlements.map((e) => ({ system: e.system, entitlement: e.entitlement })),
  }));
}

async function validate(em: EntityManager, body: SodRuleBody): Promise<void> {
  const p = new Problems();
  const refs = await loadRefs(em, { roles: body.sets.flatMap((s) => s.roles), systems: body.sets.flatMap((s) => s.entitlements.map((e) => e.system)) });
  checkSodRule(body, refs, p);
  p.throwIfAny();
}

export async function createSodRule(em: EntityManager, input: CreateSodRuleInput, actor: AuditActor): Promise<SodRuleView> {
  await validate(em, input);
  if (await em.findOne(SodRule, { key: input.key })) throw new ConflictException(`SoD rule "${input.key}" already exists`);
  try {
    return await em.transactional(async (tx) => {
      const r = new SodRule(input.key, input.name, input.severity, input.action, sodSets(input));
      r.description = input.description ?? '';
      tx.persist(r);
      await tx.flush();
      const view = sodRuleView(r);
      await recordAuditEvent(tx, { actor, action: 'sod_rule.created', subject: { type: 'sod_rule', id: r.key }, details: { rule: view }, idempotencyKey: `catalog:sod_rule.created:${r.key}` });
      return view;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictException(`SoD rule "${input.key}" already exists`);
    throw err;
  }
}

export async function putSodRule(em: EntityManager, key: string, body: PutSodRuleInput, actor: AuditActor): Promise<SodRuleView> {
  const r = await em.findOne(SodRule, { key });
  if (!r) throw new NotFoundException(`No SoD rule "${key}"`);
  if (r.retiredAt) throw new ConflictException(`SoD rule "${key}" is retired`);
  if (body.expectedRevision !== undefined && body.expectedRevision !== r.revision) {
    throw new ConflictException(`SoD rule "${key}" is now at revision ${r.revision}, not ${body.expectedRevision}: it changed after this edit began`);
  }
  await validate(em, body);
  const before = sodRuleView(r);
  return em.transactional(async (tx) => {
    const updated = await tx.nativeUpdate(SodRule, { key, revision: r.revision, retiredAt: null }, {
      name: body.name,
      description: body.description ?? '',
      severity: body.severity,
      action: body.action,
      sets: sodSets(body),
      revision: r.revision + 1,
      updatedAt: new Date(),
    });
    if (updated !== 1) throw new ConflictException(`SoD rule "${key}" changed concurrently; retry`);
    const after = sodRuleView(await tx.findOneOrFail(SodRule, { key }, { refresh: true }));
    await recordAuditEvent(tx, { actor, action: 'sod_rule.updated', subject: { type: 'sod_rule', id: key }, details: { before, after }, idempotencyKey: `catalog:sod_rule.updated:${key}:${after.revision}` });
    return after;
  });
}

/** DELETE retires the rule: it stops applying, and stays readable with its history. */
export async function retireSodRule(em: EntityManager, key: string, actor: AuditActor): Promise<SodRuleView> {
  const r = await em.findOne(SodRule, { key });
  if (!r) throw new NotFoundException(`No SoD rule "${key}"`);
  if (r.retiredAt) throw new ConflictException(`SoD rule "${key}" is already retired`);
  return em.transactional(async (tx) => {
    const now = new Date();
    const updated = await tx.nativeUpdate(SodRule, { key, retiredAt: null }, { retiredAt: now, updatedAt: now });
    if (updated !== 1) throw new ConflictException(`SoD rule "${key}" is already retired`);
    const view = sodRuleView(await tx.findOneOrFail(SodRule, { key }, { refresh: true }));
    await recordAuditEvent(tx, { actor, action: 'sod_rule.retired', subject: { type: 'sod_rule', id: key }, details: { rule: view }, idempotencyKey: `catalog:sod_rule.retired:${key}` });
    return view;
  });
}
