import {
  makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from './tracing';

/**
 * Worker options that continue the API's trace into workflows and activities (ADR 161): the
 * workflow interceptors (bundled into the workflow code) read the trace from the start or signal
 * headers and make `RunWorkflow`, `StartActivity` spans; workflow spans leave the sandbox through
 * the `exporter` sink into this process's span processor; activity interceptors make `RunActivity`
 * spans, under which the activity's SQL spans (pg) nest.
 */
export function workerTracingOptions(tracing: Tracing): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  return {
    interceptors: {
      workflowModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
