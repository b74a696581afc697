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
