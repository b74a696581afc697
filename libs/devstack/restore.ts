import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { readCheckpoints } from '../audit/checkpoint-store';
import type { Config } from '../config/config';
import type { BackupManifest } from './backup';
import { embeddedOwnerUrl, startEmbeddedPostgres } from './postgres';
import { postgresDataDir } from './postgres-runtime';

/**
 * Puts a backup of `npm run backup` in place of the embedded default's data (ADR 158), with the
 * stack stopped. Nothing is deleted: the current PostgreSQL and Temporal data are renamed aside
 * (`*.before-restore-<time>`). The checkpoint directory is never touched: its signed checkpoints
 * are the evidence of what the ledger held before. PostgreSQL is then started once to replay the
 * backup's WAL, and the restore is recorded in the ledger itself (`ledger.restored`), after moving
 * the ledger sequence past every checkpointed row, so no new row reuses the number of a lost one and
 * `/audit/verify` names the lost checkpointed rows exactly.
 */
export interface RestoreResult {
  backupTakenAt: string;
  /** Ledger head of the restored database (before the restore's own event). */
  restoredHeadSeq: string | null;
  /** Highest ledger row any stored checkpoint names. */
  checkpointedSeq: string | null;
  /** Checkpointed rows the backup lacks, or null. */
  lost: { fromSeq: string; toSeq: string } | null;
  movedAside: string[];
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => (s.destroy(), r(true)));
    s.on('error', () => r(false));
  });
}

function ownerOf(previous: string | undefined): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  if (previous && existsSync(previous)) return statSync(previous);
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function chownTree(path: string, owner: { uid: number; gid: number }): void {
  chownSync(path, owner.uid, owner.gid);
  if (!statSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), owner);
}

function moveAside(path: string, stamp: string, moved: string[]): string | undefined {
  if (!existsSync(path)) return undefined;
  const aside = `${path}.before-restore-${stamp}`;
  renameSync(path, aside);
  moved.push(aside);
  return aside;
}

/** Highest seq named by a stored checkpoint (signature checks are /audit/verify's job). */
async function checkpointedSeq(config: Config): Promise<bigint | null> {
  let max: bigint | null = null;
  for (const s of await readCheckpoints({ dir: config.checkpoints.dir })) {
    const seq = s.checkpoint?.seq;
    if (typeof seq === 'string' && /^\d+$/.test(seq) && (max === null || BigInt(seq) > max)) max = BigInt(seq);
  }
  return max;
}

export async function restoreEmbedded(config: Config, from: string, log: (l: string) => void): Promise<RestoreResult> {
  const manifest = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8')) as BackupManifest;
  if (manifest.format !== 'jml.backup/v1') throw new Error(`${from}: not a backup of npm run backup`);
  if (!config.database.embedded || !config.temporal.embedded) throw new Error('restore is for the embedded default (DATABASE_URL and TEMPORAL_ADDRESS unset)');
  for (const port of [config.database.embeddedPort, config.temporal.port, config.port]) {
    if (await portOpen(port)) throw new Error(`something listens on port ${port}: stop npm start before restoring`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const moved: string[] = [];
  const pgDir = postgresDataDir(config.dataDir, { log });
  const previous = moveAside(pgDir, stamp, moved);
  cpSync(join(from, 'postgres'), pgDir, { recursive: true });
  chmodSync(pgDir, 0o700);
  const owner = ownerOf(previous);
  if (owner) chownTree(pgDir, owner);
  const temporalDir = resolve(config.dataDir, 'temporal');
  moveAside(temporalDir, stamp, moved);
  if (manifest.temporal.file) cpSync(join(from, 'temporal'), temporalDir, { recursive: true });
  log(`files restored from ${from} (taken ${manifest.takenAt}); previous data kept in ${moved.join(', ') || '(none)'}`);

  const db = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.database.embeddedPort, log });
  try {
    const result = await recordRestore(config, manifest, from);
    return { ...result, movedAside: moved };
  } finally {
    await db.stop();
  }
}

async function recordRestore(config: Config, manifest: BackupManifest, from: string): Promise<Omit<RestoreResult, 'movedAside'>> {
  const pg = new Client({ connectionString: embeddedOwnerUrl(config.database.embeddedPort) });
  await pg.connect();
  try {
    const head = (await pg.query<{ seq: string | null }>('SELECT max(seq)::text AS seq FROM audit_event')).rows[0].seq;
    const checkpointed = await checkpointedSeq(config);
    const lost = checkpointed !== null && checkpointed > BigInt(head ?? '0') ? { fromSeq: String(BigInt(head ?? '0') + 1n), toSeq: String(checkpointed) } : null;
    // New rows start after every checkpointed one: a lost row's number is never given out again.
    if (lost) await pg.query(`SELECT setval('audit_event_seq', $1::bigint)`, [lost.toSeq]);
    await pg.query(
      `INSERT INTO audit_event (actor_type, actor_id, actor_name, action, subject_type, subject_id, details, idempotency_key, seq, occurred_at, prev_hash, hash)
       VALUES ('system', 'system:restore', 'npm run restore', 'ledger.restored', 'ledger', 'audit_event', $1::jsonb, $2, 0, now(), '', '')`,
      [JSON.stringify({ backup: from, backupTakenAt: manifest.takenAt, restoredHeadSeq: head, checkpointedSeq: checkpointed?.toString() ?? null, lostCheckpointedRows: lost }), `ledger.restored:${Date.now()}:${process.pid}`],
    );
    return { backupTakenAt: manifest.takenAt, restoredHeadSeq: head, checkpointedSeq: checkpointed?.toString() ?? null, lost };
  } finally {
    await pg.end();
  }
}
