import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type SearchAttributePair } from '@temporalio/common';
import { withTraceCarrier } from '../observability/trace-context';
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

/** How long a claimed row is leased to the relay that claimed it (then another may retry it). */
const LEASE_SECONDS = 30;
/** Backoff of an undelivered row: 1 s, 2 s, 4 s ... capped at 30 s. */
const retryDelayMs = (attempts: number) => Math.min(30_000, 1000 * 2 ** Math.min(Math.max(attempts - 1, 0), 5));

/** Resolves when the row is done with (delivered, or the workflow is closed and can take no signal). */
function deliver(client: Client, row: OutboxRow): Promise<string | null> {
  // In the trace of the request that queued the row: Temporal's client interceptor carries it on (ADR 161).
  return withTraceCarrier(row.payload.trace, () => deliverRow(client, row));
}

async function deliverRow(client: Client, row: OutboxRow): Promise<string | null> {
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
        // A re-driven start after the workflow finished must not run it a second time (see StartPayload).
        workflowIdReusePolicy: p.workflowIdReusePolicy ?? 'REJECT_DUPLICATE',
      });
      return null;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // An id that names a person may still be held by an earlier request's run that is closing
      // (cancelled in the database a moment ago): retry after the backoff, do not drop this start.
      if (p.workflowIdReusePolicy === 'ALLOW_DUPLICATE') {
        const running = (await client.workflow.getHandle(row.workflow_id).describe()).typedSearchAttributes.get(JmlRequestId);
        if (running !== p.searchAttributes.JmlRequestId) throw new Error(`${row.workflow_id} still runs for request ${running}; retrying`);
      }
      return 'already started';
    }
  }
  const p = row.payload as SignalPayload;
  try {
    await client.workflow.getHandle(row.workflow_id).signal(p.signal, ...p.args);
    return null;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // Not found: either not started yet (retry) or already closed (nothing left to tell it).
    const closed = await client.workflow
      .getHandle(row.workflow_id)
      .describe()
      .then((d) => d.status.name !== 'RUNNING')
      .catch(() => false);
    if (closed) return 'workflow already closed';
    throw err;
  }
}

/**
 * Delivers due outbox rows (or just `ids`). Rows are claimed by a short lease (`FOR UPDATE SKIP
 * LOCKED`, then `next_attempt_at` pushed out), so several API processes relay side by side, and
 * no database connection is held while Temporal is called. Rows are marked delivered (one
 * statement per batch) only after Temporal accepted them: a crash in between re-delivers them
 * after the lease (starts are idempotent by workflow id, signals are deduplicated by the
 * workflow). Rows of one workflow go in id order; different workflows in parallel.
 */
export async function relayOutbox(em: EntityManager, getClient: () => Promise<Client>, opts: { ids?: string[]; limit?: number } = {}): Promise<number> {
  const db = em.fork();
  const byId = !!opts.ids && opts.ids.length > 0;
  const rows = await db.execute<OutboxRow[]>(
    `UPDATE workflow_outbox SET next_attempt_at = now() + interval '${LEASE_SECONDS} seconds', attempts = attempts + 1
      WHERE id IN (SELECT id FROM workflow_outbox
                    WHERE delivered_at IS NULL AND next_attempt_at <= now()
                      ${byId ? 'AND id IN (SELECT jsonb_array_elements_text(?::jsonb)::bigint)' : ''}
                    ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id, kind, workflow_id, payload, attempts`,
    byId ? [JSON.stringify(opts.ids), opts.limit ?? 200] : [opts.limit ?? 200],
  );
  if (rows.length === 0) return 0;
  const groups = new Map<string, OutboxRow[]>();
  for (const r of rows.sort((a, b) => Number(a.id) - Number(b.id))) groups.set(r.workflow_id, [...(groups.get(r.workflow_id) ?? []), r]);

  let client: Client;
  try {
    client = await getClient();
  } catch (err) {
    await release(db, rows, err);
    throw err;
  }
  const delivered: { id: string; note: string | null }[] = [];
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (let i = 0; i < group.length; i++) {
        try {
          delivered.push({ id: group[i].id, note: await deliver(client, group[i]) });
        } catch (err) {
          await release(db, group.slice(i), err);
          return;
        }
      }
    }),
  );
  // One statement marks the whole batch (a crash before it re-delivers, which is harmless).
  if (delivered.length > 0) {
    await db.execute(
      `UPDATE workflow_outbox o SET delivered_at = now(), last_error = d.note
         FROM jsonb_to_recordset(?::jsonb) AS d(id bigint, note text) WHERE o.id = d.id`,
      [JSON.stringify(delivered)],
    );
  }
  return delivered.length;
}

/** Gives undelivered rows back for a retry after their backoff, recording why. */
async function release(db: EntityManager, rows: OutboxRow[], err: unknown): Promise<void> {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  for (const r of rows) {
    await db.execute(
      `UPDATE workflow_outbox SET last_error = ?, next_attempt_at = now() + (? || ' milliseconds')::interval WHERE id = ? AND delivered_at IS NULL`,
      [message, String(retryDelayMs(r.attempts)), r.id],
    );
  }
}
