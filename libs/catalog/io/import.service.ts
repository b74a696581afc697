import { BadRequestException } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { recordAuditEvent, type AuditActor } from '../../audit/ledger';
import { applyPlan } from './import-apply';
import { planCounts, planImport, planIsEmpty, type Counts } from './import-plan';
import { loadState } from './import-state';

export interface ImportResult {
  dryRun: boolean;
  /** True when this call wrote the changes. */
  applied: boolean;
  /** True when the database already holds everything in the bundle (nothing to do). */
  unchanged: boolean;
  batchId: string | null;
  /** SHA-256 of the bundle (canonical JSON). */
  digest: string;
  counts: Record<string, Counts>;
}

/** Imports serialise on this lock, so two imports cannot plan against the same state. */
const IMPORT_LOCK = 'jml.catalog.import';

/**
 * Imports a catalog bundle (JSON, or CSV per entity): validates every row against the bundle
 * and the database, then applies all of it in one transaction with ONE audit event
 * (`catalog.imported`, with counts and digest), or nothing. Imports upsert; they never delete.
 */
export async function importCatalog(em: EntityManager, body: unknown, opts: { dryRun: boolean; actor: AuditActor }): Promise<ImportResult> {
  return em.transactional(async (tx) => {
    await tx.execute('SELECT pg_advisory_xact_lock(hashtext(?))', [IMPORT_LOCK]);
    const plan = planImport(body, await loadState(tx));
    if (plan.problems.length > 0) {
      const rows = new Set(plan.problems.map((p) => `${p.entity}:${p.row}`)).size;
      throw new BadRequestException({
        message: `Import rejected: ${plan.problems.length} problem(s) in ${rows} row(s); nothing was written`,
        details: plan.problems,
      });
    }
    const counts = planCounts(plan);
    const unchanged = planIsEmpty(plan);
    if (opts.dryRun || unchanged) {
      return { dryRun: opts.dryRun, applied: false, unchanged, batchId: null, digest: plan.digest, counts };
    }
    const batchId = randomUUID();
    await tx.execute('INSERT INTO import_batch (id, digest, actor_id, counts) VALUES (?, ?, ?, ?::jsonb)', [batchId, plan.digest, opts.actor.id, JSON.stringify(counts)]);
    await applyPlan(tx, plan, batchId, opts.actor);
    await recordAuditEvent(tx, {
      actor: opts.actor,
      action: 'catalog.imported',
      subject: { type: 'import_batch', id: batchId },
      details: { digest: plan.digest, counts },
      idempotencyKey: `catalog:import:${batchId}`,
    });
    return { dryRun: false, applied: true, unchanged: false, batchId, digest: plan.digest, counts };
  });
}
