import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowOutbox } from './entities/outbox.entity';

/** Start payload: everything `client.workflow.start` needs, as JSON. */
export interface StartPayload {
  workflowType: string;
  taskQueue: string;
  args: unknown[];
  searchAttributes: Record<string, string>;
  staticSummary?: string;
  staticDetails?: string;
  /**
   * `REJECT_DUPLICATE` (default): a request's own workflow id never runs twice. `ALLOW_DUPLICATE`:
   * an id that names a person (`leaver-<identityKey>`) starts again once the earlier run closed;
   * the workflow then finds a re-driven start's request closed and ends at once.
   */
  workflowIdReusePolicy?: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE';
}

export interface SignalPayload {
  signal: string;
  args: unknown[];
}

/** Queues a workflow start inside the caller's transaction (delivered after commit). */
export function enqueueStart(tx: EntityManager, workflowId: string, payload: StartPayload): WorkflowOutbox {
  const row = new WorkflowOutbox('start', workflowId, payload as unknown as Record<string, unknown>);
  tx.persist(row);
  return row;
}

/** Queues a signal inside the caller's transaction (delivered after commit). */
export function enqueueSignal(tx: EntityManager, workflowId: string, payload: SignalPayload): WorkflowOutbox {
  const row = new WorkflowOutbox('signal', workflowId, payload as unknown as Record<string, unknown>);
  tx.persist(row);
  return row;
}
