import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';

/** The entries of a ZIP held in memory, by name (an independent reader: yauzl, not the writer's library). */
export async function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<ZipFile>((resolve, reject) => fromBuffer(buf, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.readEntry();
  });
  return files;
}

/** Writes the entries into `dir` (created). */
export function extractTo(files: Map<string, Buffer>, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of files) writeFileSync(join(dir, name), data);
  return dir;
}
