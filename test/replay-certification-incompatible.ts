// Negative control for test/replay-certification.test.ts: the certification workflow with an
// unguarded change (a timer before the campaign is opened, no `patched()`).
import { sleep } from '@temporalio/workflow';
import type { CertificationState, CertificationWorkflowInput } from '../workflows/certification-definitions';
import { certificationWorkflow as campaign } from '../workflows/certification.workflow';

export async function certificationWorkflow(input: CertificationWorkflowInput): Promise<CertificationState> {
  await sleep('1 second');
  return campaign(input);
}
