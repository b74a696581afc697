// Builds the web application (apps/web) into dist/web with Vite, unless the build there is newer
// than every source file of the app and the lock file: `npm run build` runs before every test run
// and most commands, and the server build should not pay for an unchanged web app.
// `--force` rebuilds anyway.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'apps', 'web');
const stamp = join(root, 'dist', 'web', 'index.html');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
}

const force = process.argv.includes('--force');
const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sourcesAt = Math.max(newest(web), statSync(join(root, 'package-lock.json')).mtimeMs);
if (!force && builtAt > sourcesAt) process.exit(0);

process.stderr.write('Building the web app (vite)...\n');
const { build } = await import('vite');
await build({ configFile: join(web, 'vite.config.mjs'), logLevel: 'warn' });
