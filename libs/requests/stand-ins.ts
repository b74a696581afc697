import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrgPerson } from '../domain/approval-policy';
import { standIns } from '../domain/fallback';
import { sqlCatalog } from './catalog-adapter';

/** `key` and everyone above it in the org chart (cycles stop the walk), from the database. */
export async function orgChainOf(em: EntityManager, key: string): Promise<OrgPerson[]> {
  return em.execute<OrgPerson[]>(
    `WITH RECURSIVE chain(key, manager, status, depth) AS (
       SELECT key, manager, status, 0 FROM identity WHERE key = ?
       UNION ALL
       SELECT i.key, i.manager, i.status, c.depth + 1 FROM identity i JOIN chain c ON i.key = c.manager WHERE c.depth < 64)
     SELECT DISTINCT ON (key) key, manager, status FROM chain ORDER BY key, depth`,
    [key],
  );
}

/** The stand-ins for `from` (libs/domain/fallback.ts), read inside the caller's transaction. */
export async function standInsFor(em: EntityManager, from: string, excluded: string[]) {
  return standIns(await orgChainOf(em, from), from, await sqlCatalog.admins(em), excluded);
}
