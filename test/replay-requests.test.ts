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
// (still running; today's code must drop it again on replay, its patch marker being absent);
// joiner/mover *-v5.json and leaver-*-v3.json after ADR 179 (a flow version in the input, no patch markers);
// joiner/mover *-v6.json after ADR 181 (planned at intake: the plan in the input, no activity before the approvers).
describe.each([
  'joiner-completed.json', 'mover-completed.json', 'joiner-completed-v2.json', 'mover-completed-v2.json', 'leaver-completed.json',
  'joiner-completed-v3.json', 'mover-completed-v3.json', 'leaver-completed-v2.json', 'leaver-immediate-v2.json',
  'joiner-completed-v4.json', 'mover-completed-v4.json',
  'joiner-early-decision-dropped-v4.json', 'leaver-early-attestation-dropped-v2.json',
  'joiner-completed-v5.json', 'mover-completed-v5.json', 'leaver-completed-v3.json', 'leaver-immediate-v3.json',
  'joiner-completed-v6.json', 'mover-completed-v6.json',
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

/**
 * A rolling deploy (ADR 179): the API already starts runs with a flow version, and a worker from
 * before it ran their first tasks, writing patch markers. Today's worker must replay such a run.
 * The histories are the v4/v2 recordings with `flowVersion` added to the start input.
 */
describe.each(['joiner-completed-v4.json', 'mover-completed-v4.json', 'leaver-immediate-v2.json', 'leaver-completed-v2.json'])('replay %s as started with a flow version', (file) => {
  it("today's workflow code replays it, markers and all", async () => {
    const raw = JSON.parse(readFileSync(join(__dirname, 'histories', file), 'utf8'));
    const payload = raw.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
    expect(input.flowVersion).toBeUndefined();
    payload.data = Buffer.from(JSON.stringify({ ...input, flowVersion: 1 })).toString('base64');
    await expect(Worker.runReplayHistory({ workflowsPath: require.resolve('../workflows') }, historyFromJSON(raw))).resolves.toBeUndefined();
  });
});
