import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * GETs an evidence pack `runs` times (the API's work, not a cache: each run builds the pack again)
 * and returns the download times in ms, sorted, with the last pack. Throws on any status but 200.
 */
export async function downloadPacks(url: string, headers: Record<string, string>, runs: number): Promise<{ times: number[]; zip: Buffer }> {
  const times: number[] = [];
  let zip = Buffer.alloc(0);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    zip = Buffer.from(await res.arrayBuffer());
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`evidence pack ${res.status}: ${zip.toString().slice(0, 300)}`);
  }
  return { times: times.sort((a, b) => a - b), zip };
}

/**
 * Unzips a pack into `dir` (the ZIP is written beside it, as `dir`.zip: verify.mjs refuses any file
 * in its directory that SHA256SUMS does not list) and runs the pack's own verify.mjs there, as an
 * auditor would. Returns the verifier's result, its time in ms, and the listing as "name size B".
 */
export function verifyPack(zip: Buffer, dir: string): { verified: SpawnSyncReturns<string>; verifyMs: number; listing: string[] } {
  const zipFile = `${dir}.zip`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(zipFile, zip);
  spawnSync('unzip', ['-q', zipFile, '-d', dir]);
  const v0 = performance.now();
  const verified = spawnSync(process.execPath, ['verify.mjs'], { cwd: dir, encoding: 'utf8' });
  const verifyMs = performance.now() - v0;
  const listing = spawnSync('unzip', ['-l', zipFile], { encoding: 'utf8' }).stdout.trim().split('\n').slice(3, -2)
    .map((l) => l.trim().split(/\s+/)).map((f) => `${f[3]} ${f[0]} B`);
  return { verified, verifyMs, listing };
}
