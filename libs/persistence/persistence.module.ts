import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Config } from '../config/config';
import { CONFIG } from '../config/config.module';
import { ormOptions } from './orm-options';

/**
 * MikroORM for Nest processes (a global module), connecting as the service role, never as the
 * schema owner. Request-scoped units of work come from MikroORM's request context middleware.
 */
export function persistenceModule() {
  return MikroOrmModule.forRootAsync({
    driver: PostgreSqlDriver,
    inject: [CONFIG],
    useFactory: (config: Config) => {
      if (!config.database.url) {
        throw new Error('DATABASE_URL is not set (the launcher sets it for the embedded database)');
      }
      return {
        ...ormOptions({ url: config.database.url, poolMax: config.database.poolMax }),
        registerRequestContext: true,
      };
    },
  });
}
