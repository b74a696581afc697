import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { loadConfig, type Config } from '../config/config';

/** The tracing of this process, when `OTEL_EXPORTER_OTLP_ENDPOINT` turned it on. */
export interface Tracing {
  resource: Resource;
  /** Also receives the workflow spans the worker's sink hands over (ADR 161). */
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/** The process's tracing, or undefined: tracing is off (the default). */
export function activeTracing(): Tracing | undefined {
  return active;
}

/**
 * Starts OpenTelemetry tracing for the API or the worker (ADR 161): spans of incoming and outgoing
 * HTTP, Express routes and every SQL statement (pg), batched and sent over OTLP/HTTP (JSON) to
 * `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`; W3C trace context propagation. Must run before
 * `http`, `express` and `pg` are loaded (their modules are patched on require), hence the
 * `instrument.ts` side-effect import at the top of each main.ts. Off when no endpoint is set:
 * then nothing is patched and the OpenTelemetry API stays a no-op.
 */
export function startTracing(config: Config, component: 'api' | 'worker'): Tracing | undefined {
  const endpoint = config.observability.otlpEndpoint;
  if (!endpoint || active) return active;
  const resource = new Resource({ 'service.name': `${config.observability.serviceName}-${component}` });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    // The health probes and scrapes would bury the requests that matter.
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health|metrics)(\/|$|\?)/.test(req.url ?? '') }),
      new ExpressInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  active = { resource, spanProcessor, shutdown: () => provider.shutdown() };
  return active;
}

/** For the entry points' `instrument.ts`: a bad configuration is left for main() to report. */
export function startTracingFromEnv(component: 'api' | 'worker'): void {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch {
    return;
  }
  startTracing(config, component);
}
