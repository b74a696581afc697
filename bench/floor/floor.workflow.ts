import { proxyActivities } from '@temporalio/workflow';
import type { FloorActivities } from './floor-activities';

const acts = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** `batch`: a leaver as it runs today (ADR 121); `per-task`: as it ran before (one activity per system). */
export type FloorShape = 'batch' | 'per-task';

/**
 * The engine floor: the round trips of a leaver with every activity a no-op, so only what Temporal
 * and the SDK cost for them is measured. `batch`: begin+effective, one delivery activity, close
 * (3 activities). `per-task`: begin, effective, one delivery per system in parallel, close.
 */
export async function floorLeaverWorkflow(systems: number, shape: FloorShape = 'per-task'): Promise<void> {
  if (shape === 'batch') {
    await acts.step('begin-effective');
    await acts.step('deliver-all');
  } else {
    await acts.step('begin');
    await acts.step('effective');
    await Promise.all(Array.from({ length: systems }, (_, i) => acts.step(`deliver-${i}`)));
  }
  await acts.step('close');
}
