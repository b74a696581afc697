import { ConflictException, NotFoundException } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { recordAuditEvent, type AuditActor } from '../audit/ledger';
import { statusChangeProblem } from '../domain/identity-status';
import { Identity } from '../identity/identity.entity';
import { isUniqueViolation, loadRefs } from './db-refs';
import { AccessAssignment } from './entities/access-assignment.entity';
import type { CreateIdentityInput, IdentityBody } from './inputs';
import { managerCycleProblem } from './lookup.service';
import { cursorCodec, pageLimit, toPage, type Page, type PageQuery } from './pagination';
import { Problems } from './problems';
import { checkIdentity } from './refs';
import { accessEntries, identityView, type AccessEntryView, type IdentityView } from './views';

export interface IdentityFilter extends PageQuery {
  department?: string;
  manager?: string;
  status?: 'pending' | 'active' | 'terminated';
  /** Case-insensitive match on key, username, name or email. */
  q?: string;
}

const IDENTITIES_CURSOR = cursorCodec('identities', ['text']);

export async function listIdentities(em: EntityManager, f: IdentityFilter): Promise<Page<IdentityView>> {
  const limit = pageLimit(f.limit);
  const after = IDENTITIES_CURSOR.decode(f.cursor)?.[0];
  const where: Record<string, unknown> = {};
  if (after) where.key = { $gt: after };
  if (f.department) where.department = f.department;
  if (f.manager) where.manager = f.manager;
  if (f.status) where.status = f.status;
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.$or = [{ key: { $ilike: like } }, { username: { $ilike: like } }, { name: { $ilike: like } }, { email: { $ilike: like } }];
  }
  const rows = await em.find(Identity, where, { orderBy: { key: 'asc' }, limit: limit + 1 });
  return toPage(rows, limit, IDENTITIES_CURSOR, (r) => [r.key], identityView);
}

export interface IdentityDetail extends IdentityView {
  access: AccessEntryView[];
}

/** An identity with its current access, one entry per role assignment and system, and why it has it. */
export async function getIdentity(em: EntityManager, key: string): Promise<IdentityDetail> {
  const i = await em.findOne(Identity, { key });
  if (!i) throw new NotFoundException(`No identity "${key}"`);
  const assignments = await em.find(AccessAssignment, { identityKey: key, status: 'active' }, { orderBy: { grantedAt: 'asc', roleKey: 'asc' } });
  return { ...identityView(i), access: assignments.flatMap(accessEntries) };
}

async function checkUnique(em: EntityManager, key: string | null, body: IdentityBody, p: Problems): Promise<void> {
  const email = body.email ?? null;
  const sql = `SELECT key, lower(username) = lower(?) AS same_username, coalesce(lower(email) = lower(?), false) AS same_email
                 FROM identity WHERE (lower(username) = lower(?) OR lower(email) = lower(?)) AND key <> ?`;
  const params = [body.username, email, body.username, email, key ?? ''];
  const rows = await em.execute<{ key: string; same_username: boolean; same_email?: boolean }[]>(sql, params, 'all');
  for (const r of rows) {
    if (r.same_username) p.add('username', `already used by identity "${r.key}"`);
    if (r.same_email) p.add('email', `already used by identity "${r.key}"`);
  }
}

function apply(i: Identity, body: IdentityBody): void {
  i.username = body.username;
  i.email = body.email ?? null;
  i.name = body.name;
  i.department = body.department ?? null;
  i.title = body.title ?? null;
  i.manager = body.manager ?? null;
  i.status = body.status ?? i.status ?? 'active';
  i.startDate = body.startDate ?? null;
  i.endDate = body.endDate ?? null;
}

export async function createIdentity(em: EntityManager, input: CreateIdentityInput, actor: AuditActor): Promise<IdentityDetail> {
  const p = new Problems();
  checkIdentity(input.key, input, await loadRefs(em, { identities: input.manager ? [input.manager] : [] }), p);
  p.throwIfAny();
  if (await em.findOne(Identity, { key: input.key })) throw new ConflictException(`Identity "${input.key}" already exists`);
  const dup = new Problems();
  await checkUnique(em, null, input, dup);
  if (!dup.empty) throw new ConflictException({ message: 'Username or email already in use', details: dup.list });
  try {
    return await em.transactional(async (tx) => {
      const i = new Identity(input.key, input.username, input.name);
      apply(i, input);
      tx.persist(i);
      await tx.flush();
      const view = identityView(i);
      await recordAuditEvent(tx, { actor, action: 'identity.created', subject: { type: 'identity', id: i.key }, details: { identity: view }, idempotencyKey: `catalog:identity.created:${i.key}` });
      return { ...view, access: [] };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictException(`Identity "${input.key}", its username or its email already exists`);
    throw err;
  }
}

/** Full replacement of an identity's attributes (HR data). A manager change may not close a loop. */
export async function updateIdentity(em: EntityManager, key: string, body: IdentityBody, actor: AuditActor): Promise<IdentityDetail> {
  const i = await em.findOne(Identity, { key });
  if (!i) throw new NotFoundException(`No identity "${key}"`);
  const p = new Problems();
  checkIdentity(key, body, await loadRefs(em, { identities: body.manager ? [body.manager] : [] }), p);
  if (body.manager !== key && p.empty) {
    const cycle = await managerCycleProblem(em, key, body.manager);
    if (cycle) p.add('manager', cycle);
  }
  p.throwIfAny();
  const statusProblem = statusChangeProblem(i.status, body.status);
  if (statusProblem) throw new ConflictException({ message: `Status cannot change here: ${statusProblem}`, details: [{ path: 'status', problems: [statusProblem] }] });
  const dup = new Problems();
  await checkUnique(em, key, body, dup);
  if (!dup.empty) throw new ConflictException({ message: 'Username or email already in use', details: dup.list });
  const before = identityView(i);
  return em.transactional(async (tx) => {
    apply(i, body);
    await tx.flush();
    const after = identityView(i);
    await recordAuditEvent(tx, { actor, action: 'identity.updated', subject: { type: 'identity', id: key }, details: { before, after }, idempotencyKey: `catalog:identity.updated:${key}:${randomUUID()}` });
    return getIdentity(tx, key);
  });
}
