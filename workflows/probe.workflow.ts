import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ProbeActivities, BumpProbeResult } from '../activities/probe.activities';

const { bumpProbe } = proxyActivities<ProbeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '100 ms', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 5 },
});

export interface ProbeInput {
  probeId: string;
  failAfterWriteOnAttempts?: number;
  failAfterCommitOnAttempts?: number;
}

/**
 * The operator's end-to-end check: one activity that changes a row and records its audit event
 * in one transaction. Running it proves worker, database and ledger are wired together.
 */
export async function probeWorkflow(input: ProbeInput): Promise<BumpProbeResult> {
  const { workflowId } = workflowInfo();
  return await bumpProbe({
    probeId: input.probeId,
    workflowId,
    idempotencyKey: `probe:${workflowId}:bump`,
    failAfterWriteOnAttempts: input.failAfterWriteOnAttempts,
    failAfterCommitOnAttempts: input.failAfterCommitOnAttempts,
  });
}
