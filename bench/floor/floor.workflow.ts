import { proxyActivities } from '@temporalio/workflow';
import type { FloorActivities } from './floor-activities';

const acts = proxyActivities<FloorActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/**
 * The engine floor: the shape of a leaver as it was before ADR 121 (two sequential steps, one
 * activity per system in parallel, a close step) with every activity a no-op. What Temporal and
 * the SDK cost for that many round trips, with none of our code in them.
 */
export async function floorLeaverWorkflow(systems: number): Promise<void> {
  await acts.step('begin');
  await acts.step('effective');
  await Promise.all(Array.from({ length: systems }, (_, i) => acts.step(`deliver-${i}`)));
  await acts.step('close');
}
