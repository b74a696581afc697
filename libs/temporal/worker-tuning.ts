import type { WorkerOptions } from '@temporalio/worker';

/**
 * The worker's sizing, shared by the service's worker (apps/worker) and the bench's engine floor
 * (bench/floor) so the floor measures the engine under the very options the product runs with.
 * ADR 122 has the figures behind each value.
 */
export interface WorkerTuning {
  /** Workflows kept in memory (LRU); an evicted one is replayed from history when it next wakes. */
  maxCachedWorkflows?: number;
  /** Activities running at once (default 20): each holds its inputs, an ORM fork and a pool wait. */
  maxConcurrentActivities?: number;
  /** Workflow tasks in flight (default `WORKFLOW_TASK_SLOTS`): one workflow thread runs them. */
  maxConcurrentWorkflowTasks?: number;
}

/**
 * Workflow-task slots by default: 10 when a joiner's first task ran its plan as a local activity
 * (ADR 122); 14 since the plan is made at intake (ADR 181), which left each first task only a
 * timer to start. At 50 joiners/s for 60 s: 10 slots gave intake p95 90 ms and a Temporal backlog
 * of 15.6 s after the last response, 14 gave 147 ms and 5.3 s, 20 gave 231 ms and 5.3 s.
 */
export const WORKFLOW_TASK_SLOTS = 14;

/** Environment names of the tuning, for processes started with an explicit environment (bench/). */
export const WORKER_TUNING_ENV = ['WORKER_MAX_CACHED_WORKFLOWS', 'WORKER_MAX_CONCURRENT_ACTIVITIES', 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS'] as const;

export function workerOptions(t: WorkerTuning): Partial<WorkerOptions> {
  const activities = t.maxConcurrentActivities ?? 20;
  const workflowTasks = t.maxConcurrentWorkflowTasks ?? WORKFLOW_TASK_SLOTS;
  return {
    // The SDK's default scales with the heap limit (thousands): 1,000 waiting leavers then cost ~1 GB.
    maxCachedWorkflows: t.maxCachedWorkflows,
    // The SDK's defaults (100 activities, 40 workflow tasks, 10 pollers each) suit a many-core host;
    // on 2 cores they only let work queue inside the process (memory) instead of in Temporal.
    maxConcurrentActivityTaskExecutions: activities,
    maxConcurrentWorkflowTaskExecutions: workflowTasks,
    // Local activities (a joiner's plan, ADR 123) hold a database connection like activities do.
    maxConcurrentLocalActivityExecutions: activities,
    maxConcurrentActivityTaskPolls: Math.min(4, activities),
    maxConcurrentWorkflowTaskPolls: Math.max(2, Math.min(4, workflowTasks)),
  };
}

/** The tuning from the environment (the floor worker's; the service reads it through its config). */
export function tuningFromEnv(env: NodeJS.ProcessEnv): WorkerTuning {
  const n = (v: string | undefined) => (v ? Number(v) : undefined);
  return {
    maxCachedWorkflows: n(env.WORKER_MAX_CACHED_WORKFLOWS) ?? 200,
    maxConcurrentActivities: n(env.WORKER_MAX_CONCURRENT_ACTIVITIES),
    maxConcurrentWorkflowTasks: n(env.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS),
  };
}
