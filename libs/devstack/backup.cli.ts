import { join, resolve } from 'node:path';
import { loadConfigOrExit } from '../config/config';
import { backupEmbedded } from './backup';
import { embeddedOwnerUrl } from './postgres';

/** `npm run backup [-- <dir>]`: a consistent copy of the running embedded default (docs/backup.md). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.database.embedded || !config.temporal.embedded) {
    throw new Error('npm run backup copies the embedded default; with DATABASE_URL or TEMPORAL_ADDRESS set, use the backups of your PostgreSQL and Temporal services');
  }
  const target = resolve(process.argv[2] ?? join(config.dataDir, 'backups', new Date().toISOString().replace(/[:.]/g, '-')));
  const manifest = await backupEmbedded({
    ownerUrl: embeddedOwnerUrl(config.database.embeddedPort),
    temporalDb: resolve(config.dataDir, 'temporal', 'temporal.db'),
    target,
  });
  process.stdout.write(`backup written to ${target}\n  PostgreSQL ${manifest.postgres.version}, WAL ${manifest.postgres.startLsn} .. ${manifest.postgres.stopLsn}\n  Temporal ${manifest.temporal.file ?? '(no dev server data)'}\nrestore with: npm run restore -- ${target}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`backup failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
