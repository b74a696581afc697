import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import * as auditVerify from './audit-verify.bench';
import * as requests from './requests.bench';
import * as importBench from './import.bench';
import * as leaver from './leaver.bench';
import * as evidence from './evidence.bench';
import * as evidenceCampaign from './evidence-campaign.bench';
import * as certification from './certification.bench';
import * as scaleout from './scaleout.bench';
import { startBenchServices, type BenchResult, type BenchServices } from './support';

/**
 * `npm run bench [-- name ...]`: runs the benchmarks against real local services, prints one
 * table and writes it to bench/results/<timestamp>.md (and .json). Figures come from this run only.
 */
type Bench = { name: string; run: (s: BenchServices) => Promise<BenchResult> };

/** Append new benchmarks here. */
const benches: Bench[] = [
  { name: 'audit-verify', run: (s) => auditVerify.run(s) },
  { name: 'requests', run: (s) => requests.run(s) },
  { name: 'import', run: (s) => importBench.run(s) },
  { name: 'leaver', run: (s) => leaver.run(s) },
  { name: 'evidence', run: (s) => evidence.run(s) },
  { name: 'evidence-campaign', run: (s) => evidenceCampaign.run(s) },
  { name: 'certification', run: (s) => certification.run(s) },
  { name: 'scaleout', run: (s) => scaleout.run(s) },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected = wanted.length ? benches.filter((b) => wanted.includes(b.name)) : benches;
  const services = await startBenchServices();
  const results: BenchResult[] = [];
  try {
    for (const b of selected) {
      process.stderr.write(`running ${b.name}...\n`);
      try {
        results.push(await b.run(services));
      } catch (err) {
        results.push({ name: b.name, rows: [{ measure: b.name, result: 'FAILED', goal: '', met: 'no', notes: String(err) }] });
      }
      await services.settle();
    }
  } finally {
    await services.stop();
  }
  const header = ['measure', 'result', 'goal', 'met', 'notes'];
  const lines = [
    `# Benchmarks ${new Date().toISOString()} (node ${process.version}, ${cpus().length} cores)`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...results.flatMap((r) => r.rows.map((row) => `| ${header.map((h) => String(row[h] ?? '')).join(' | ')} |`)),
  ];
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(dir, `${stamp}.md`), `${table}\n`);
  writeFileSync(join(dir, `${stamp}.json`), JSON.stringify(results, null, 2));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
