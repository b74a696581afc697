import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A consistent backup of the embedded default, taken while it runs (ADR 158, docs/backup.md):
 * 1. Temporal first: the dev server's SQLite file through SQLite's online backup (`sqlite3
 *    .backup`). Taken before PostgreSQL, a restore can only find PostgreSQL ahead of Temporal, and
 *    the activities Temporal then runs again are idempotent; the other order could lose effects.
 * 2. PostgreSQL: a low-level base backup. A temporary replication slot holds the WAL from here on,
 *    `pg_backup_start` (fast checkpoint), a file copy of the data directory, `pg_backup_stop`
 *    (which ends the WAL segment), its `backup_label` written into the copy, then the WAL files.
 *    No pg_dump: Debian's pg_dump 15 refuses server 18, and this needs only the server.
 */
export interface BackupManifest {
  format: 'jml.backup/v1';
  takenAt: string;
  postgres: { version: string; startLsn: string; stopLsn: string; dataDirectory: string };
  temporal: { file: string | null };
}

/** Contents never copied (PostgreSQL's documented exclusions); the directories themselves are kept. */
const SKIP_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'pg_internal.init']);
const EMPTY_DIRS = new Set(['pg_wal', 'pg_replslot', 'pg_stat_tmp', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_subtrans']);

/** Copies a directory that changes under us: files that vanish mid-copy are skipped (WAL replay restores them). */
function copyLive(from: string, to: string, top = true): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  let names: string[];
  try {
    names = readdirSync(from);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const name of names) {
    const src = join(from, name);
    const dst = join(to, name);
    try {
      const st = lstatSync(src);
      if (st.isDirectory()) {
        if (top && EMPTY_DIRS.has(name)) mkdirSync(dst, { recursive: true, mode: 0o700 });
        else if (!name.startsWith('pgsql_tmp')) copyLive(src, dst, false);
      } else if (st.isFile() && !SKIP_FILES.has(name)) {
        copyFileSync(src, dst);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/** SQLite's online backup of the dev server's database (consistent while the server writes). */
export function backupTemporal(dbFile: string, target: string): string | null {
  if (!existsSync(dbFile)) return null;
  mkdirSync(join(target, 'temporal'), { recursive: true });
  const out = join(target, 'temporal', 'temporal.db');
  try {
    execFileSync('sqlite3', [dbFile, '.timeout 30000', `.backup '${out.replace(/'/g, "''")}'`], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('the sqlite3 command is needed to back up Temporal (Debian: apt-get install sqlite3)');
    throw err;
  }
  return 'temporal/temporal.db';
}

export async function backupPostgres(ownerUrl: string, target: string): Promise<BackupManifest['postgres']> {
  const pg = new Client({ connectionString: ownerUrl });
  await pg.connect();
  try {
    const dataDirectory = (await pg.query<{ d: string }>('SELECT current_setting($1) AS d', ['data_directory'])).rows[0].d;
    const version = (await pg.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version'])).rows[0].v;
    // Temporary: dropped when this session ends, whatever happens to the backup.
    await pg.query('SELECT pg_create_physical_replication_slot($1, true, true)', [`jml_backup_${process.pid}`]);
    const startLsn = (await pg.query<{ lsn: string }>('SELECT pg_backup_start($1, true)::text AS lsn', ['jml-backup'])).rows[0].lsn;
    const copy = join(target, 'postgres');
    copyLive(dataDirectory, copy);
    const stop = (await pg.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>('SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)')).rows[0];
    writeFileSync(join(copy, 'backup_label'), stop.labelfile);
    if (stop.spcmapfile) writeFileSync(join(copy, 'tablespace_map'), stop.spcmapfile);
    // The WAL from the start checkpoint on (held by the slot), up to and past the stop position.
    mkdirSync(join(copy, 'pg_wal', 'archive_status'), { recursive: true, mode: 0o700 });
    for (const name of readdirSync(join(dataDirectory, 'pg_wal'))) {
      if (/^[0-9A-F]{24}(\.history)?$/.test(name)) copyFileSync(join(dataDirectory, 'pg_wal', name), join(copy, 'pg_wal', name));
    }
    return { version, startLsn, stopLsn: stop.lsn, dataDirectory };
  } finally {
    await pg.end();
  }
}

export async function backupEmbedded(opts: { ownerUrl: string; temporalDb: string; target: string }): Promise<BackupManifest> {
  if (existsSync(opts.target) && readdirSync(opts.target).length > 0) throw new Error(`${opts.target} exists and is not empty`);
  mkdirSync(opts.target, { recursive: true, mode: 0o700 });
  const takenAt = new Date().toISOString();
  const temporal = { file: backupTemporal(opts.temporalDb, opts.target) };
  const postgres = await backupPostgres(opts.ownerUrl, opts.target);
  const manifest: BackupManifest = { format: 'jml.backup/v1', takenAt, postgres, temporal };
  writeFileSync(join(opts.target, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
