import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

/**
 * Replays committed joiner, mover and leaver histories (test/histories, re-recorded by
 * test/replay-requests.record.ts) against today's workflow code, plus a negative control.
 */
// *-completed.json predate the one task path (issue 10); *-v2.json and leaver-completed.json were recorded after it;
// *-v3.json and leaver-*-v2.json after ADR 121 (one delivery activity per flow, an immediate leaver's begin folded);
// joiner/mover *-v4.json after ADR 123 (plan and step 1 opened in one local activity);
// *-early-*-dropped-*.json before ADR 178: a signal that came before the plan or the tasks was dropped
// (still running; today's code must drop it again on replay, its patch marker being absent).
describe.each([
  'joiner-completed.json', 'mover-completed.json', 'joiner-completed-v2.json', 'mover-completed-v2.json', 'leaver-completed.json',
  'joiner-completed-v3.json', 'mover-completed-v3.json', 'leaver-completed-v2.json', 'leaver-immediate-v2.json',
  'joiner-completed-v4.json', 'mover-completed-v4.json',
  'joiner-early-decision-dropped-v4.json', 'leaver-early-attestation-dropped-v2.json',
])('replay %s', (file) => {
  const raw = JSON.parse(readFileSync(join(__dirname, 'histories', file), 'utf8'));
  const history = historyFromJSON(raw);

  it("today's workflow code replays it", async () => {
    await expect(Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history)).resolves.toBeUndefined();
  });

  it('negative control: an unguarded incompatible change is caught', async () => {
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('./replay-requests-incompatible') }, history),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
