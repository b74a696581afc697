import type { EntityManager } from '@mikro-orm/postgresql';
import { currentTraceCarrier, type TraceCarrier } from '../observability/trace-context';
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
  /** The trace of the request that queued it, when tracing is on (ADR 161). */
  trace?: TraceCarrier;
}

export interface SignalPayload {
  signal: string;
  args: unknown[];
  /** The trace of the request that queued it, when tracing is on (ADR 161). */
  trace?: TraceCarrier;
}

/**
 * The relay delivers a row later, batched with others' rows: the caller's trace context travels
 * in the row so the workflow start or signal joins the trace of the request that caused it.
 */
function withTrace<P extends StartPayload | SignalPayload>(payload: P): Record<string, unknown> {
  const trace = payload.trace ?? currentTraceCarrier();
  return (trace ? { ...payload, trace } : payload) as unknown as Record<string, unknown>;
}

/** Queues a workflow start inside the caller's transaction (delivered after commit). */
export function enqueueStart(tx: EntityManager, workflowId: string, payload: StartPayload): WorkflowOutbox {
  const row = new WorkflowOutbox('start', workflowId, withTrace(payload));
  tx.persist(row);
  return row;
}

/** Queues a signal inside the caller's transaction (delivered after commit). */
export function enqueueSignal(tx: EntityManager, workflowId: string, payload: SignalPayload): WorkflowOutbox {
  const row = new WorkflowOutbox('signal', workflowId, withTrace(payload));
  tx.persist(row);
  return row;
}
