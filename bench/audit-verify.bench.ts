import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { verifyLedger } from '../libs/audit/chain';
import { ormOptions } from '../libs/persistence/orm-options';
import { mb, type BenchResult, type BenchServices } from './support';

/**
 * Audit verify over 1,000,000 ledger rows (goal: <= 30 s). The rows are written through the real
 * chaining trigger (one INSERT ... SELECT), then `verifyLedger` recomputes every hash in Node.
 */
export async function run(services: BenchServices, rows = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000)): Promise<BenchResult> {
  const db = await services.freshDatabase();
  const owner = new Client({ connectionString: db.ownerUrl });
  await owner.connect();
  const fillStarted = Date.now();
  const chunk = 100_000;
  for (let done = 0; done < rows; done += chunk) {
    const n = Math.min(chunk, rows - done);
    await owner.query(
      `INSERT INTO audit_event (actor_type, actor_id, actor_name, action, subject_type, subject_id, request_id,
                                workflow_id, details, idempotency_key, seq, occurred_at, prev_hash, hash)
       SELECT 'system', 'system:bench', 'Benchmark', 'task.completed', 'task', 'task-' || g, 'req-' || (g / 12),
              'leaver-' || (g / 12), jsonb_build_object('note', 'revoked in bench', 'n', g), 'bench:' || g, 0, now(), '', ''
         FROM generate_series($1::int, $2::int) AS g`,
      [done + 1, done + n],
    );
  }
  const fillMs = Date.now() - fillStarted;
  await owner.end();

  const orm = await MikroORM.init(ormOptions({ url: db.serviceUrl, poolMax: 2 }));
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const result = await verifyLedger(orm.em.fork());
  clearInterval(sampler);
  await orm.close(true);
  return {
    name: 'audit verify',
    rows: [
      {
        measure: `audit verify over ${rows.toLocaleString('en')} rows`,
        result: `${(result.durationMs / 1000).toFixed(1)} s`,
        goal: '<= 30 s',
        met: result.valid && result.durationMs <= 30_000 ? 'yes' : 'no',
        notes: `valid=${result.valid}, rows checked ${result.rowsChecked}, peak RSS ${mb(peakRss)} MB; fill through trigger ${(fillMs / 1000).toFixed(0)} s`,
      },
    ],
  };
}
