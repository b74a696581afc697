import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { ProbeActivities, BumpProbeResult } from '../../activities/probe.activities';
import type { ProbeInput } from '../../workflows/probe.workflow';

const { bumpProbe } = proxyActivities<ProbeActivities>({ startToCloseTimeout: '30 seconds' });

/**
 * NEGATIVE CONTROL for the replay tests: the probe workflow with an unguarded change (a timer
 * before the activity, without `patched`). Replaying a recorded history must reject it.
 */
export async function probeWorkflow(input: ProbeInput): Promise<BumpProbeResult> {
  await sleep('1 second');
  const { workflowId } = workflowInfo();
  return await bumpProbe({ probeId: input.probeId, workflowId, idempotencyKey: `probe:${workflowId}:bump` });
}
