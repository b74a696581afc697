// Negative control for test/replay-requests.test.ts: the request workflows (joiner, mover, leaver) with an unguarded
// change (a timer before planning, with no `patched()`), which running executions cannot replay.
import { sleep } from '@temporalio/workflow';
import type { LeaverState, LeaverWorkflowInput, RequestWorkflowInput, RequestWorkflowState } from '../workflows/definitions';
import { leaverWorkflow as leaver } from '../workflows/leaver.workflow';
import { joinerWorkflow as joiner, moverWorkflow as mover } from '../workflows/request.workflow';

export async function joinerWorkflow(input: RequestWorkflowInput): Promise<RequestWorkflowState> {
  await sleep('1 second');
  return joiner(input);
}

export async function moverWorkflow(input: RequestWorkflowInput): Promise<RequestWorkflowState> {
  await sleep('1 second');
  return mover(input);
}

export async function leaverWorkflow(input: LeaverWorkflowInput): Promise<LeaverState> {
  await sleep('1 second');
  return leaver(input);
}
