import type { EntityManager } from '@mikro-orm/postgresql';
import { Identity } from '../identity/identity.entity';
import { Role } from './entities/role.entity';
import { Entitlement, TargetSystem } from './entities/target-system.entity';
import type { CatalogRefs } from './refs';

/** The references one write needs, looked up in the database (for single API writes). */
export async function loadRefs(
  em: EntityManager,
  need: { identities?: string[]; systems?: string[]; roles?: string[] },
): Promise<CatalogRefs> {
  const ids = [...new Set(need.identities ?? [])];
  const systems = [...new Set(need.systems ?? [])];
  const roles = [...new Set(need.roles ?? [])];
  const foundIds = ids.length ? await em.find(Identity, { key: { $in: ids } }, { fields: ['key'] }) : [];
  const foundSystems = systems.length ? await em.find(TargetSystem, { key: { $in: systems } }, { fields: ['key'] }) : [];
  const foundEnts = systems.length ? await em.find(Entitlement, { systemKey: { $in: systems } }) : [];
  const foundRoles = roles.length ? await em.find(Role, { key: { $in: roles } }) : [];
  const idSet = new Set(foundIds.map((i) => i.key));
  const sysSet = new Set(foundSystems.map((s) => s.key));
  const entSet = new Set(foundEnts.map((e) => `${e.systemKey}/${e.key}`));
  const roleSet = new Set(foundRoles.map((r) => r.key));
  return {
    hasIdentity: (k) => idSet.has(k),
    hasRole: (k) => roleSet.has(k),
    entitlement: (s, k) => (!sysSet.has(s) ? 'unknown_system' : entSet.has(`${s}/${k}`) ? 'ok' : 'unknown_entitlement'),
  };
}

/** Is this a unique-violation from PostgreSQL (a concurrent duplicate)? */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; name?: string };
  return e?.code === '23505' || e?.name === 'UniqueConstraintViolationException';
}
