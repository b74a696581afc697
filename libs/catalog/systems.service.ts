import { ConflictException, NotFoundException } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { recordAuditEvent, type AuditActor } from '../audit/ledger';
import { loadRefs, isUniqueViolation } from './db-refs';
import { Entitlement, TargetSystem } from './entities/target-system.entity';
import type { CreateSystemInput, SystemBody } from './inputs';
import { cursorCodec, pageLimit, toPage, type Page, type PageQuery } from './pagination';
import { Problems } from './problems';
import { checkSystem } from './refs';
import { systemView, type SystemView } from './views';

const SYSTEMS_CURSOR = cursorCodec('systems', ['text']);

export async function listSystems(em: EntityManager, q: PageQuery): Promise<Page<SystemView>> {
  const limit = pageLimit(q.limit);
  const after = SYSTEMS_CURSOR.decode(q.cursor)?.[0];
  const rows = await em.find(TargetSystem, after ? { key: { $gt: after } } : {}, { orderBy: { key: 'asc' }, limit: limit + 1 });
  const ents = rows.length ? await em.find(Entitlement, { systemKey: { $in: rows.map((r) => r.key) } }) : [];
  return toPage(rows, limit, SYSTEMS_CURSOR, (r) => [r.key], (r) => systemView(r, ents));
}

export async function getSystem(em: EntityManager, key: string): Promise<SystemView> {
  const s = await em.findOne(TargetSystem, { key });
  if (!s) throw new NotFoundException(`No system "${key}"`);
  return systemView(s, await em.find(Entitlement, { systemKey: key }));
}

async function validate(em: EntityManager, body: SystemBody): Promise<void> {
  const p = new Problems();
  checkSystem(body, await loadRefs(em, { identities: body.owners }), p);
  p.throwIfAny();
}

function apply(s: TargetSystem, body: SystemBody): void {
  s.name = body.name;
  s.owners = [...new Set(body.owners)];
  s.channel = body.channel;
  s.target = body.target ?? null;
  s.deprovisionSlaHours = body.deprovisionSlaHours ?? 8;
  // Omitted: the assumptions stay as they are (a PUT that edits owners keeps them); null: defaults.
  if (body.manualEffort !== undefined) {
    s.manualMinutesPerTask = body.manualEffort?.minutesPerTask ?? null;
    s.manualHourlyCost = body.manualEffort?.hourlyCost ?? null;
  }
}

export async function createSystem(em: EntityManager, input: CreateSystemInput, actor: AuditActor): Promise<SystemView> {
  await validate(em, input);
  if (await em.findOne(TargetSystem, { key: input.key })) throw new ConflictException(`System "${input.key}" already exists`);
  try {
    return await em.transactional(async (tx) => {
      const s = new TargetSystem(input.key, input.name);
      apply(s, input);
      const ents = input.entitlements.map((e) => new Entitlement(s.key, e.key, e.name, e.privileged ?? false));
      tx.persist([s, ...ents]);
      await tx.flush();
      const view = systemView(s, ents);
      await recordAuditEvent(tx, { actor, action: 'system.created', subject: { type: 'system', id: s.key }, details: { system: view }, idempotencyKey: `catalog:system.created:${s.key}` });
      return view;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictException(`System "${input.key}" already exists`);
    throw err;
  }
}

/** Entitlements still granted by a current role version or held by someone cannot be removed. */
async function entitlementsInUse(em: EntityManager, system: string, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await em.execute<{ key: string }[]>(
    `SELECT DISTINCT e.key FROM unnest(?::text[]) AS e(key)
      WHERE EXISTS (SELECT 1 FROM role r JOIN role_version v ON v.role_key = r.key AND v.version = r.latest_version
                     WHERE v.entitlements @> jsonb_build_array(jsonb_build_object('system', ?::text, 'entitlement', e.key)))
         OR EXISTS (SELECT 1 FROM access_assignment a WHERE a.status = 'active'
                     AND a.entitlements @> jsonb_build_array(jsonb_build_object('system', ?::text, 'entitlement', e.key)))
      ORDER BY 1`,
    [`{${keys.map((k) => `"${k}"`).join(',')}}`, system, system],
    'all',
  );
  return rows.map((r) => r.key);
}

export async function replaceSystem(em: EntityManager, key: string, body: SystemBody, actor: AuditActor): Promise<SystemView> {
  const s = await em.findOne(TargetSystem, { key });
  if (!s) throw new NotFoundException(`No system "${key}"`);
  await validate(em, body);
  const current = await em.find(Entitlement, { systemKey: key });
  const before = systemView(s, current);
  const wanted = new Set(body.entitlements.map((e) => e.key));
  const removed = current.filter((e) => !wanted.has(e.key)).map((e) => e.key);
  const inUse = await entitlementsInUse(em, key, removed);
  if (inUse.length > 0) {
    throw new ConflictException({
      message: `Entitlements still granted by a role or held by someone cannot be removed: ${inUse.join(', ')}`,
      details: inUse.map((e) => ({ path: 'entitlements', problems: [`"${e}" is in use`] })),
    });
  }
  return em.transactional(async (tx) => {
    apply(s, body);
    for (const e of current.filter((c) => !wanted.has(c.key))) tx.remove(e);
    const next = body.entitlements.map((e) => {
      const existing = current.find((c) => c.key === e.key);
      if (existing) {
        existing.name = e.name;
        existing.privileged = e.privileged ?? false;
        return existing;
      }
      const created = new Entitlement(key, e.key, e.name, e.privileged ?? false);
      tx.persist(created);
      return created;
    });
    await tx.flush();
    const after = systemView(s, next);
    await recordAuditEvent(tx, { actor, action: 'system.updated', subject: { type: 'system', id: key }, details: { before, after }, idempotencyKey: `catalog:system.updated:${key}:${randomUUID()}` });
    return after;
  });
}
