import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

/** W3C trace context headers (`traceparent`, `tracestate`) as a plain JSON object. */
export type TraceCarrier = Record<string, string>;

/**
 * The active trace context, to store beside work done later by another task or process (the
 * workflow outbox, ADR 161). Undefined when tracing is off or no span is active, so rows written
 * without tracing are unchanged.
 */
export function currentTraceCarrier(): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** Runs `fn` as part of the trace a stored carrier names (or outside any trace without one). */
export function withTraceCarrier<T>(carrier: TraceCarrier | undefined, fn: () => T): T {
  if (!carrier) return fn();
  return context.with(propagation.extract(ROOT_CONTEXT, carrier), fn);
}
