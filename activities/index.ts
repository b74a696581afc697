import type { ActivityDeps } from './deps';
import { createProbeActivities } from './probe.activities';

export type { ActivityDeps } from './deps';

/** Every activity of the service, built from its dependencies. The worker registers exactly these. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProbeActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
