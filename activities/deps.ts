import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../libs/config/config';

/** What activities need from the outside world; wired by hand in the worker and in tests. */
export interface ActivityDeps {
  orm: MikroORM;
  config: Config;
}
