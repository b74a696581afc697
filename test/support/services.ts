import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { loadConfig, type Config } from '../../libs/config/config';
import { ormOptions } from '../../libs/persistence/orm-options';
import { createTemporalWorker } from '../../apps/worker/src/temporal-worker';

/** Connection details of the services started by the global setup. */
export function services() {
  const need = (name: string) => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set: run the integration tests through jest's global setup`);
    return v;
  };
  return {
    ownerUrl: need('JML_TEST_OWNER_URL'),
    serviceUrl: need('JML_TEST_SERVICE_URL'),
    temporalAddress: need('JML_TEST_TEMPORAL_ADDRESS'),
    temporalCli: need('JML_TEST_TEMPORAL_CLI'),
    dataDir: need('JML_TEST_DATA_DIR'),
  };
}

export interface TestDatabase {
  name: string;
  /** The service role (what the api and worker use). */
  serviceUrl: string;
  /** The schema owner and superuser (what an attacker with raw access would use). */
  ownerUrl: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  return url.replace(/\/[^/]+$/, `/${name}`);
}

/** A database of its own for one test file: a clone of the migrated template. */
export async function freshDatabase(): Promise<TestDatabase> {
  const s = services();
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new PgClient({ connectionString: withDatabase(s.ownerUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE jml`);
  } finally {
    await admin.end();
  }
  return {
    name,
    serviceUrl: withDatabase(s.serviceUrl, name),
    ownerUrl: withDatabase(s.ownerUrl, name),
    async drop() {
      const a = new PgClient({ connectionString: withDatabase(s.ownerUrl, 'postgres') });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** A validated Config pointing at the test services, as the real processes would load it. */
export function testConfig(db: TestDatabase, env: Record<string, string> = {}): Config {
  const s = services();
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.serviceUrl,
    DATABASE_MIGRATION_URL: db.ownerUrl,
    TEMPORAL_ADDRESS: s.temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    DATA_DIR: s.dataDir,
    // Checkpoints belong to one ledger: each test database gets its own sink and key.
    CHECKPOINT_DIR: join(s.dataDir, `checkpoints-${db.name}`),
    ...env,
  });
}

export async function createOrm(url: string): Promise<MikroORM> {
  return MikroORM.init(ormOptions({ url, poolMax: 25 }));
}

export async function temporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: services().temporalAddress });
  return { client: new Client({ connection }), close: () => connection.close() };
}

/** An in-process worker on the config's own task queue, with the production activities. */
export async function startWorker(
  config: Config,
  orm: MikroORM,
  overrides: Partial<WorkerOptions> = {},
): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const { worker, connection } = await createTemporalWorker({ orm, config }, overrides);
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
