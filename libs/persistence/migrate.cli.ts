import { loadConfigOrExit } from '../config/config';
import { migrate } from './migrate';

/** `npm run migrate`: apply pending migrations to DATABASE_MIGRATION_URL (or DATABASE_URL). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.database.migrationUrl) {
    process.stderr.write('DATABASE_URL or DATABASE_MIGRATION_URL must be set to run migrations\n');
    process.exit(78);
  }
  const { applied } = await migrate(config.database.migrationUrl);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
