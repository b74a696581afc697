import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { ormOptions } from './orm-options';

/** Any fixed 64-bit key; two migrators on the same database queue on it instead of racing. */
const MIGRATION_LOCK_KEY = '7361023418834210102';

export interface MigrationResult {
  applied: string[];
}

/**
 * Runs pending migrations as the schema owner, under a session advisory lock so that any number
 * of processes may call it at once and exactly one applies each migration.
 */
export async function migrate(ownerUrl: string): Promise<MigrationResult> {
  const lock = new Client({ connectionString: ownerUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const orm = await MikroORM.init({ ...ormOptions({ url: ownerUrl, poolMax: 2 }) });
    try {
      const applied = await orm.getMigrator().up();
      return { applied: applied.map((m) => m.name) };
    } finally {
      await orm.close(true);
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}
