import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Debian's Chromium, which the browser tests and `npm run screenshots` drive through playwright-core. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The flags every run uses: no sandbox (root in CI), no background traffic to the internet. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-background-networking'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds Chromium: `CHROMIUM_PATH`, else Debian's package, installed once with apt-get when it is
 * missing and this process may (root, apt-get present) — like the Temporal CLI, so `npm test` on a
 * fresh machine needs no extra step. Throws with what to do otherwise: the browser tests never
 * skip silently.
 */
export function findChromium(log: (line: string) => void = () => undefined): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!executable(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  if (executable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) {
    throw new Error(
      `Chromium is missing (${DEBIAN_CHROMIUM}); the web app's browser tests need it. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  log('Installing Chromium with apt-get (one time)...');
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}): install chromium by hand or set CHROMIUM_PATH`);
  }
  if (!executable(DEBIAN_CHROMIUM)) throw new Error(`apt-get installed chromium but ${DEBIAN_CHROMIUM} is not there: set CHROMIUM_PATH`);
  return DEBIAN_CHROMIUM;
}
