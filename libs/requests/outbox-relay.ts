import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type SearchAttributePair } from '@temporalio/common';
import { JmlIdentity, JmlKind, JmlRequestId, JmlStatus } from '../temporal/search-attributes';
import type { SignalPayload, StartPayload } from './outbox';

interface OutboxRow {
  id: string;
  kind: 'start' | 'signal';
  workflow_id: string;
  payload: StartPayload | SignalPayload;
  attempts: number;
}

const KEYS = { JmlKind, JmlIdentity, JmlStatus, JmlRequestId } as const;

function searchAttributes(attrs: Record<string, string>): SearchAttributePair[] {
  return Object.entries(attrs)
    .filter(([name]) => name in KEYS)
    .map(([name, value]) => ({ key: KEYS[name as keyof typeof KEYS], value }) as SearchAttributePair);
}

/** Backoff of an undelivered row: 1 s, 2 s, 4 s ... capped at 30 s. */
const retryDelayMs = (attempts: number) => Math.min(30_000, 1000 * 2 ** Math.min(attempts, 5));

/** `true` when the row is done with (delivered, or the workflow is closed and can take no signal). */
async function deliver(client: Client, row: OutboxRow): Promise<{ done: boolean; note: string | null }> {
  if (row.kind === 'start') {
    const p = row.payload as StartPayload;
    try {
      await client.workflow.start(p.workflowType, {
        workflowId: row.workflow_id,
        taskQueue: p.taskQueue,
        args: p.args,
        typedSearchAttributes: searchAttributes(p.searchAttributes),
        staticSummary: p.staticSummary,
        staticDetails: p.staticDetails,
        // A re-driven start after the workflow finished must not run it a second time.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { done: true, note: null };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { done: true, note: 'already started' };
      throw err;
    }
  }
  const p = row.payload as SignalPayload;
  try {
    await client.workflow.getHandle(row.workflow_id).signal(p.signal, ...p.args);
    return { done: true, note: null };
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // Not found: either not started yet (retry) or already closed (nothing left to tell it).
    const closed = await client.workflow
      .getHandle(row.workflow_id)
      .describe()
      .then((d) => d.status.name !== 'RUNNING')
      .catch(() => false);
    if (closed) return { done: true, note: 'workflow already closed' };
    throw err;
  }
}

/**
 * Delivers due outbox rows (or just `ids`) in id order. Rows are claimed with `FOR UPDATE SKIP
 * LOCKED`, so several API processes relay side by side without delivering a row twice at once;
 * a row is marked delivered only after Temporal accepted it, so a crash in between re-delivers it
 * (starts are idempotent by workflow id, signals are deduplicated by the workflow).
 */
export async function relayOutbox(em: EntityManager, getClient: () => Promise<Client>, opts: { ids?: string[]; limit?: number } = {}): Promise<number> {
  return em.fork().transactional(async (tx) => {
    const byId = opts.ids && opts.ids.length > 0;
    const rows = await tx.execute<OutboxRow[]>(
      `SELECT id::text AS id, kind, workflow_id, payload, attempts FROM workflow_outbox
        WHERE delivered_at IS NULL AND ${byId ? 'id IN (SELECT jsonb_array_elements_text(?::jsonb)::bigint)' : 'next_attempt_at <= now()'}
        ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
      byId ? [JSON.stringify(opts.ids), opts.limit ?? 100] : [opts.limit ?? 100],
    );
    if (rows.length === 0) return 0;
    let delivered = 0;
    let client: Client | null = null;
    const failed = new Set<string>();
    for (const row of rows) {
      try {
        // Keep per-workflow order: once one row of a workflow fails, its later rows wait too.
        if (failed.has(row.workflow_id)) throw new Error('an earlier message to this workflow is undelivered');
        client ??= await getClient();
        const r = await deliver(client, row);
        await tx.execute(`UPDATE workflow_outbox SET delivered_at = now(), attempts = attempts + 1, last_error = ? WHERE id = ?`, [r.note, row.id]);
        delivered++;
      } catch (err) {
        failed.add(row.workflow_id);
        const message = err instanceof Error ? err.message : String(err);
        await tx.execute(
          `UPDATE workflow_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = now() + (? || ' milliseconds')::interval WHERE id = ?`,
          [message.slice(0, 500), String(retryDelayMs(row.attempts)), row.id],
        );
      }
    }
    return delivered;
  });
}
