import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { TemporalClientService } from '../../../../libs/temporal/temporal-client.module';

/** A poller counts as alive when Temporal saw its long poll (about a minute each) this recently. */
const POLLER_FRESH_MS = 120_000;
// Temporal's enum values (temporal.api.enums.v1): TaskQueueKind NORMAL, TaskQueueType WORKFLOW / ACTIVITY.
const KIND_NORMAL = 1;
const TYPES = [{ type: 'workflow', value: 1 }, { type: 'activity', value: 2 }] as const;

export interface PollerCount { taskQueue: string; type: 'workflow' | 'activity'; count: number }

/**
 * Live workers on the service's task queue, from Temporal's DescribeTaskQueue (one cheap call per
 * type, 2 s deadline): the "worker down" signal that needs no scrape of the worker itself, so it
 * holds when the worker's own endpoint is off or the process is gone. Throws if Temporal does not answer.
 */
export async function countPollers(temporal: TemporalClientService): Promise<PollerCount[]> {
  const client = await temporal.getClient();
  const now = Date.now();
  return Promise.all(
    TYPES.map(async ({ type, value }) => {
      const res = await client.connection.withDeadline(now + 2000, () =>
        client.workflowService.describeTaskQueue({
          namespace: temporal.namespace,
          taskQueue: { name: temporal.taskQueue, kind: KIND_NORMAL },
          taskQueueType: value,
        }),
      );
      const fresh = (res.pollers ?? []).filter((p) => (optionalTsToDate(p.lastAccessTime)?.getTime() ?? 0) > now - POLLER_FRESH_MS);
      return { taskQueue: temporal.taskQueue, type, count: new Set(fresh.map((p) => p.identity)).size };
    }),
  );
}
