import type { RuntimeOptions } from '@temporalio/worker';
import type { Config } from '../config/config';

/**
 * The Temporal SDK runtime's telemetry for the worker process (ADR 160). With
 * `WORKER_METRICS_PORT` set, the SDK's own Rust core serves Prometheus text at
 * `http://<WORKER_METRICS_HOST>:<port>/metrics`: task slots, pollers, schedule-to-start and
 * execution latencies, failures, sticky cache. Names follow Prometheus conventions (`_total` on
 * counters, durations in seconds with a `_seconds` suffix) so the alert rules and dashboard in
 * docs/ops/ read them as they read the API's metrics. Off by default: two workers on one host
 * would otherwise fight over one port.
 */
export function workerTelemetryOptions(config: Config): Pick<RuntimeOptions, 'telemetryOptions'> {
  const bindAddress = config.observability.workerMetricsAddress;
  if (!bindAddress) return {};
  return {
    telemetryOptions: {
      metrics: {
        prometheus: { bindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
        globalTags: { task_queue: config.temporal.taskQueue },
      },
    },
  };
}
