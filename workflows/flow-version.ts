import { patched, workflowInfo } from '@temporalio/workflow';

/**
 * Whether this run takes the path of `patchId`, which flow version `since` includes: always for a
 * run started with that version or later (no marker), else as its patch marker says (`FLOW_VERSION`
 * in workflows/definitions.ts, ADR 179).
 */
export function takesPatch(input: { flowVersion?: number }, patchId: string, since = 1): boolean {
  if ((input.flowVersion ?? 0) < since) return patched(patchId);
  // Only a replay consults the marker: a worker from before the version may have written one for
  // this run during a rolling deploy, and a marker in history must meet its patched() call. A new
  // run writes none (patched() on a replay without the marker writes nothing either).
  if (workflowInfo().unsafe.isReplaying) patched(patchId);
  return true;
}
