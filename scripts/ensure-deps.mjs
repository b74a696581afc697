// Installs node modules on a fresh clone (npm ci from the lock file) when they are missing or were
// installed from another lock file. Plain Node, no dependencies: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');
// The SHA-256 of the lock file the modules were installed from. Its content, not its date: a git
// checkout or rebase rewrites the file (new mtime) without changing it, and a date test then ran
// a needless two-minute `npm ci` on every `npm start` after one.
const installedFrom = join(root, 'node_modules', '.jml-package-lock.sha256');

const lockDigest = () => createHash('sha256').update(readFileSync(lock)).digest('hex');

/** Whether node_modules must be (re)installed; modules older than the hash file are judged by date once. */
function stale(digest) {
  if (!existsSync(marker)) return true;
  if (existsSync(installedFrom)) return readFileSync(installedFrom, 'utf8').trim() !== digest;
  return statSync(marker).mtimeMs < statSync(lock).mtimeMs;
}

export function ensureDeps() {
  const digest = lockDigest();
  if (stale(digest)) {
    process.stderr.write('Installing node modules (npm ci)...\n');
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  writeFileSync(installedFrom, `${digest}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureDeps();
