import { appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { checkpointKeyFromPem, type Checkpoint, type CheckpointKey } from './checkpoint';

/** Where checkpoints go: the file sink always, an HTTP sink when configured. */
export interface CheckpointSettings {
  /** Directory of the file sink and the development key: writable by the service's user only (0700). */
  dir: string;
  /** Ed25519 private key (PKCS#8 PEM) from configuration; required in production. */
  signingKeyPem?: string;
  /** Optional: each checkpoint is also POSTed here as JSON (a WORM bucket, a log service). */
  httpSinkUrl?: string;
}

export const CHECKPOINT_FILE = 'checkpoints.jsonl';
const DEV_KEY_FILE = 'checkpoint-signing-key.pem';

async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Not readable or writable by the database's OS user (embedded PostgreSQL runs as `postgres`).
  await chmod(dir, 0o700);
}

/**
 * The signing key: from configuration, else (development, test) a key generated once and kept in
 * the checkpoint directory, mode 0600.
 */
export async function loadCheckpointKey(s: CheckpointSettings): Promise<CheckpointKey> {
  if (s.signingKeyPem) return checkpointKeyFromPem(s.signingKeyPem);
  await ensureDir(s.dir);
  const file = join(s.dir, DEV_KEY_FILE);
  try {
    return checkpointKeyFromPem(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // 'wx': two processes starting at once keep the first key, never overwrite it.
  await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return checkpointKeyFromPem(await readFile(file, 'utf8'));
}

/** Appends one checkpoint to the file sink (one JSON line), then the HTTP sink if any. */
export async function writeCheckpoint(s: CheckpointSettings, c: Checkpoint): Promise<void> {
  await ensureDir(s.dir);
  await appendFile(join(s.dir, CHECKPOINT_FILE), `${JSON.stringify(c)}\n`, { mode: 0o600 });
  if (s.httpSinkUrl) {
    const res = await fetch(s.httpSinkUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c), signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`checkpoint HTTP sink answered ${res.status}`);
  }
}

/** A stored line: the parsed checkpoint (or null when the line is not JSON) and its 1-based line number. */
export interface StoredCheckpoint {
  line: number;
  checkpoint: Partial<Checkpoint> | null;
}

/** Every line of the file sink, oldest first; an absent file is an empty list. */
export async function readCheckpoints(s: CheckpointSettings): Promise<StoredCheckpoint[]> {
  let text: string;
  try {
    text = await readFile(join(s.dir, CHECKPOINT_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text.split('\n').flatMap((l, i): StoredCheckpoint[] => {
    if (l.trim() === '') return [];
    try {
      return [{ line: i + 1, checkpoint: JSON.parse(l) as Partial<Checkpoint> }];
    } catch {
      return [{ line: i + 1, checkpoint: null }];
    }
  });
}
