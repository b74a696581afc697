import { MikroORM } from '@mikro-orm/postgresql';
import type { AuditActor } from '../audit/ledger';
import { importCatalog, type ImportResult } from '../catalog/io/import.service';
import { ormOptions } from '../persistence/orm-options';
import { demoOrganisation } from './index';

export const SEED_ACTOR: AuditActor = { type: 'system', id: 'system:seed', name: 'Demo organisation seed' };

/**
 * Loads the demo organisation through the catalog import (audited as one `catalog.imported`
 * event) when the catalog is empty: no target systems and no roles. An identity or two created
 * by BOOTSTRAP_ADMINS does not count; a catalog someone has started is never touched.
 */
export async function seedDemoIfEmpty(url: string, log: (line: string) => void = () => undefined): Promise<ImportResult | null> {
  const orm = await MikroORM.init(ormOptions({ url, poolMax: 2 }));
  try {
    const em = orm.em.fork();
    const [{ n }] = await em.execute<{ n: number }[]>('SELECT ((SELECT count(*) FROM target_system) + (SELECT count(*) FROM role))::int AS n', [], 'all');
    if (n > 0) {
      log('demo organisation: catalog not empty, not seeding');
      return null;
    }
    const result = await importCatalog(em, demoOrganisation(), { dryRun: false, actor: SEED_ACTOR });
    const c = result.counts;
    log(`demo organisation loaded: ${c.systems.created} systems, ${c.roles.created} roles, ${c.identities.created + c.identities.updated} identities, ${c.access.created} assignments (import batch ${result.batchId})`);
    return result;
  } finally {
    await orm.close(true);
  }
}
