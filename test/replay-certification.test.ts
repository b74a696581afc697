import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

/**
 * Replays recorded campaigns (re-recorded by test/replay-certification.record.ts) against
 * today's workflow code, plus a negative control: certification-completed.json (no revoke,
 * recorded before ADR 130), certification-remediated-legacy.json (a revoke carried out by the
 * code before ADR 130: tasks in workflow state, one deliverTaskTicket per task; it replays
 * through the unpatched branch) and certification-remediated.json (the same campaign with the
 * remediation tasks in PostgreSQL, behind the `certification-remediation-in-db` patch).
 */
describe.each(['certification-completed.json', 'certification-remediated-legacy.json', 'certification-remediated.json'])('replay %s', (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(__dirname, 'histories', file), 'utf8')));

  it("today's workflow code replays it", async () => {
    await expect(Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, history)).resolves.toBeUndefined();
  });

  it('negative control: an unguarded incompatible change is caught', async () => {
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('./replay-certification-incompatible') }, history),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
