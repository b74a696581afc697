import { resolve } from 'node:path';
import { loadConfigOrExit } from '../config/config';
import { restoreEmbedded } from './restore';

/** `npm run restore -- <dir>`: puts a backup in place, with npm start stopped (docs/backup.md). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const from = process.argv[2];
  if (!from) throw new Error('usage: npm run restore -- <backup directory>');
  const log = (l: string) => process.stdout.write(`${l}\n`);
  const r = await restoreEmbedded(config, resolve(from), log);
  log(`restored the backup taken ${r.backupTakenAt}: ledger head seq ${r.restoredHeadSeq ?? '(empty)'}`);
  if (r.lost) {
    log(`checkpoints name ledger rows up to ${r.checkpointedSeq}: rows ${r.lost.fromSeq}..${r.lost.toSeq} are not in this backup.`);
    log('GET /api/v1/audit/verify reports them; the restore itself is recorded in the ledger (ledger.restored).');
  }
  log('start the stack again with: npm start');
}

main().catch((err: unknown) => {
  process.stderr.write(`restore failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
