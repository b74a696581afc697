import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

/**
 * Replays a recorded campaign (test/histories/certification-completed.json, re-recorded by
 * test/replay-certification.record.ts) against today's workflow code, plus a negative control.
 */
describe('replay certification-completed.json', () => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(__dirname, 'histories', 'certification-completed.json'), 'utf8')));

  it("today's workflow code replays it", async () => {
    await expect(Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history)).resolves.toBeUndefined();
  });

  it('negative control: an unguarded incompatible change is caught', async () => {
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('./replay-certification-incompatible') }, history),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
