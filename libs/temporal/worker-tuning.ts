import type { WorkerOptions } from '@temporalio/worker';

/**
 * The worker's sizing, shared by the service's worker (apps/worker) and the bench's engine floor
 * (bench/floor) so the floor measures the engine under the very options the product runs with.
 * ADR 122 has the figures behind each value.
 */
export interface WorkerTuning {
  /** Workflows kept in memory (LRU); an evicted one is replayed from history when it next wakes. */
  maxCachedWorkflows?: number;
}

export function workerOptions(t: WorkerTuning): Partial<WorkerOptions> {
  return {
    // The SDK's default scales with the heap limit (thousands): 1,000 waiting leavers then cost ~1 GB.
    maxCachedWorkflows: t.maxCachedWorkflows,
  };
}
