import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

/**
 * Replays a committed history of the probe workflow against today's workflow code: a change that
 * would break running executions fails here before it ships.
 */
describe('probe workflow replay', () => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(__dirname, 'histories', 'probe-workflow.json'), 'utf8')));

  it('today\'s workflow code replays the recorded history', async () => {
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history, 'probe-recorded'),
    ).resolves.toBeUndefined();
  });

  it('negative control: an unguarded incompatible change is caught', async () => {
    await expect(
      Worker.runReplayHistory(
        { workflowsPath: require.resolve('./replay/incompatible-probe.workflow') },
        history,
        'probe-recorded',
      ),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
