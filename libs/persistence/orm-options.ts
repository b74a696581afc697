import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ReflectMetadataProvider } from '@mikro-orm/core';
import { entities } from './entities';
import { migrationsList } from './migrations';

export interface OrmOptionsInput {
  url: string;
  poolMax?: number;
  debug?: boolean;
}

/** MikroORM options shared by the api, the worker, migrations and tests. */
export function ormOptions(input: OrmOptionsInput): Options {
  return defineConfig({
    clientUrl: input.url,
    entities,
    metadataProvider: ReflectMetadataProvider,
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: input.poolMax ?? 10 },
    // Identity map and change tracking are per unit of work: no global context in activities.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: input.debug ?? false,
  });
}
