import { MikroORM } from '@mikro-orm/postgresql';
import { importCatalog } from '../libs/catalog/io/import.service';
import { ormOptions } from '../libs/persistence/orm-options';
import { generateOrganisation } from '../libs/seed';
import { SEED_ACTOR } from '../libs/seed/seed-demo';
import { mb, startBenchServices, type BenchResult, type BenchServices } from './support';

/**
 * Catalog import of a large organisation into a fresh database: 10,000 generated identities
 * with 8 assignments each (plus the 200-person demo organisation the generator builds on),
 * through the same `importCatalog` the API and the seed use. Reports time and peak RSS, and the
 * re-import of the same bundle (a no-op that must say so).
 */
export async function run(services?: BenchServices): Promise<BenchResult> {
  const own = services ? null : await startBenchServices();
  const s = (services ?? own)!;
  try {
    const identities = Number(process.env.BENCH_IMPORT_IDENTITIES ?? 10_000);
    const perIdentity = Number(process.env.BENCH_IMPORT_ASSIGNMENTS ?? 8);
    const db = await s.freshDatabase();
    const bundle = generateOrganisation({ identities, assignmentsPerIdentity: perIdentity });
    const bytes = Buffer.byteLength(JSON.stringify(bundle));
    const orm = await MikroORM.init(ormOptions({ url: db.serviceUrl, poolMax: 2 }));
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    try {
      const started = Date.now();
      const first = await importCatalog(orm.em.fork(), bundle, { dryRun: false, actor: SEED_ACTOR });
      const importMs = Date.now() - started;
      const again = Date.now();
      const second = await importCatalog(orm.em.fork(), bundle, { dryRun: false, actor: SEED_ACTOR });
      const reimportMs = Date.now() - again;
      clearInterval(sampler);
      const [{ identities: idCount, assignments }] = await orm.em.fork().execute<{ identities: number; assignments: number }[]>(
        `SELECT (SELECT count(*) FROM identity)::int AS identities, (SELECT count(*) FROM access_assignment)::int AS assignments`,
        [],
        'all',
      );
      const ok = first.applied && second.unchanged && assignments === bundle.access.length && idCount === bundle.identities.length;
      return {
        name: 'catalog import',
        rows: [
          {
            measure: `catalog import: ${idCount.toLocaleString('en')} identities + ${assignments.toLocaleString('en')} assignments`,
            result: `${(importMs / 1000).toFixed(1)} s`,
            goal: 'reasonable (no figure in SPEC)',
            met: ok ? 'yes' : 'no',
            notes: `peak RSS ${mb(peakRss)} MB (whole bench process, bundle in memory); bundle ${mb(bytes)} MB JSON; one audit event`,
          },
          {
            measure: 'catalog re-import of the same bundle (no-op)',
            result: `${(reimportMs / 1000).toFixed(1)} s`,
            goal: 'unchanged: true, nothing written',
            met: second.unchanged && !second.applied ? 'yes' : 'no',
            notes: `counts ${JSON.stringify(second.counts.access)}`,
          },
        ],
      };
    } finally {
      clearInterval(sampler);
      await orm.close(true);
    }
  } finally {
    await own?.stop();
  }
}
