import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, type AuditActor } from '../audit/ledger';
import { normaliseEntitlements, type ApprovalPolicy } from '../domain';
import { isUniqueViolation, loadRefs } from './db-refs';
import { Role, RoleVersion } from './entities/role.entity';
import type { CreateRoleInput, PutRoleInput, RoleBody } from './inputs';
import { cursorCodec, invalidCursor, pageLimit, toPage, type Page, type PageQuery } from './pagination';
import { Problems } from './problems';
import { checkRole } from './refs';
import { roleView, type RoleView } from './views';

/** Who writes a role: admins always; otherwise only the owner of the role's current version. */
export interface RoleWriter {
  actor: AuditActor;
  identityKey: string | null;
  isAdmin: boolean;
}

const ROLES_CURSOR = cursorCodec('roles', ['text']);

export async function listRoles(em: EntityManager, q: PageQuery & { owner?: string }): Promise<Page<RoleView>> {
  const limit = pageLimit(q.limit);
  const after = ROLES_CURSOR.decode(q.cursor)?.[0];
  const params: unknown[] = [];
  let where = 'TRUE';
  if (after) {
    where += ' AND r.key > ?';
    params.push(after);
  }
  if (q.owner) {
    where += ' AND v.owner = ?';
    params.push(q.owner);
  }
  const keys = await em.execute<{ key: string }[]>(
    `SELECT r.key FROM role r JOIN role_version v ON v.role_key = r.key AND v.version = r.latest_version
      WHERE ${where} ORDER BY r.key LIMIT ${limit + 1}`,
    params,
    'all',
  );
  const roles = keys.length ? await em.find(Role, { key: { $in: keys.map((k) => k.key) } }, { orderBy: { key: 'asc' } }) : [];
  const versions = roles.length ? await em.find(RoleVersion, { $or: roles.map((r) => ({ roleKey: r.key, version: r.latestVersion })) }) : [];
  return toPage(roles, limit, ROLES_CURSOR, (r) => [r.key], (r) => roleView(versions.find((v) => v.roleKey === r.key)!, r.latestVersion));
}

export async function getRole(em: EntityManager, key: string, version?: number): Promise<RoleView> {
  const role = await em.findOne(Role, { key });
  if (!role) throw new NotFoundException(`No role "${key}"`);
  const v = await em.findOne(RoleVersion, { roleKey: key, version: version ?? role.latestVersion });
  if (!v) throw new NotFoundException(`Role "${key}" has no version ${version}`);
  return roleView(v, role.latestVersion);
}

const ROLE_VERSIONS_CURSOR = cursorCodec('roles/{key}/versions', ['text', 'int']);

/** Every version of a role, oldest first, a page at a time. */
export async function listRoleVersions(em: EntityManager, key: string, q: PageQuery): Promise<Page<RoleView>> {
  const limit = pageLimit(q.limit);
  const after = ROLE_VERSIONS_CURSOR.decode(q.cursor);
  if (after && after[0] !== key) throw invalidCursor(`belongs to the versions of role "${after[0]}", not "${key}"`);
  const role = await em.findOne(Role, { key });
  if (!role) throw new NotFoundException(`No role "${key}"`);
  const where = after ? { roleKey: key, version: { $gt: Number(after[1]) } } : { roleKey: key };
  const versions = await em.find(RoleVersion, where, { orderBy: { version: 'asc' }, limit: limit + 1 });
  return toPage(versions, limit, ROLE_VERSIONS_CURSOR, (v) => [key, String(v.version)], (v) => roleView(v, role.latestVersion));
}

export async function validateRole(em: EntityManager, body: RoleBody): Promise<void> {
  const p = new Problems();
  const people = [body.owner, ...body.approvalPolicy.steps.flatMap((s) => [s.identity ?? '', ...(s.members ?? [])])].filter(Boolean);
  checkRole(body, await loadRefs(em, { identities: people, systems: body.entitlements.map((e) => e.system) }), p);
  p.throwIfAny();
}

/** The stored content of a version: normalised so equal content compares equal. */
export function versionContent(body: RoleBody): Pick<RoleVersion, 'name' | 'description' | 'owner' | 'risk' | 'entitlements' | 'approvalPolicy'> {
  const approvalPolicy: ApprovalPolicy = {
    steps: body.approvalPolicy.steps.map((s) => ({
      kind: s.kind,
      ...(s.kind === 'identity' ? { identity: s.identity } : {}),
      ...(s.kind === 'group' ? { group: s.group, members: [...new Set(s.members ?? [])].sort() } : {}),
      approvers: s.approvers ?? 1,
    })),
  };
  return {
    name: body.name,
    description: body.description ?? '',
    owner: body.owner,
    risk: body.risk,
    entitlements: normaliseEntitlements(body.entitlements),
    approvalPolicy,
  };
}

export function newVersion(key: string, version: number, body: RoleBody, createdBy: string): RoleVersion {
  const v = new RoleVersion(key, version, body.name, body.owner, createdBy);
  Object.assign(v, versionContent(body));
  return v;
}

export async function createRole(em: EntityManager, input: CreateRoleInput, actor: AuditActor): Promise<RoleView> {
  await validateRole(em, input);
  if (await em.findOne(Role, { key: input.key })) throw new ConflictException(`Role "${input.key}" already exists`);
  try {
    return await em.transactional(async (tx) => {
      const v = newVersion(input.key, 1, input, actor.id);
      tx.persist([new Role(input.key, 1), v]);
      await tx.flush();
      const view = roleView(v, 1);
      await recordAuditEvent(tx, { actor, action: 'role.created', subject: { type: 'role', id: input.key }, details: { version: 1, role: view }, idempotencyKey: `catalog:role.version_created:${input.key}:1` });
      return view;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictException(`Role "${input.key}" already exists`);
    throw err;
  }
}

/** Every PUT writes version n+1; earlier versions stay exactly as they were. */
export async function putRole(em: EntityManager, key: string, body: PutRoleInput, writer: RoleWriter): Promise<RoleView> {
  const role = await em.findOne(Role, { key });
  if (!role) throw new NotFoundException(`No role "${key}"`);
  const latest = await em.findOneOrFail(RoleVersion, { roleKey: key, version: role.latestVersion });
  if (!writer.isAdmin && writer.identityKey !== latest.owner) {
    throw new ForbiddenException(`Only an admin or the role owner (${latest.owner}) may change role "${key}"`);
  }
  if (body.expectedVersion !== undefined && body.expectedVersion !== role.latestVersion) {
    throw new ConflictException(`Role "${key}" is now at version ${role.latestVersion}, not ${body.expectedVersion}: it changed after this edit began`);
  }
  await validateRole(em, body);
  const next = role.latestVersion + 1;
  try {
    return await em.transactional(async (tx) => {
      // Compare-and-set on latest_version: two concurrent PUTs cannot both become version n+1.
      const updated = await tx.nativeUpdate(Role, { key, latestVersion: role.latestVersion }, { latestVersion: next });
      if (updated !== 1) throw new ConflictException(`Role "${key}" changed concurrently; retry`);
      const v = newVersion(key, next, body, writer.actor.id);
      tx.persist(v);
      await tx.flush();
      const view = roleView(v, next);
      await recordAuditEvent(tx, { actor: writer.actor, action: 'role.version_created', subject: { type: 'role', id: key }, details: { version: next, previousVersion: next - 1, role: view }, idempotencyKey: `catalog:role.version_created:${key}:${next}` });
      return view;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictException(`Role "${key}" changed concurrently; retry`);
    throw err;
  }
}
