import type { ActivityDeps } from './deps';
import { createProbeActivities } from './probe.activities';
import { createLeaverActivities } from './leaver.activities';
import { createTaskActivities } from './tasks.activities';
import { createRequestActivities } from './requests.activities';
import { createRequestTaskActivities } from './requests-tasks.activities';
import { createCertificationActivities } from './certification.activities';
import { createCertificationReviewActivities } from './certification-review.activities';
import { createCertificationRemediationActivities } from './certification-remediation.activities';
import { createRemediationWaveActivities } from './certification-remediation-wave.activities';

export type { ActivityDeps } from './deps';

/** Every activity of the service, built from its dependencies. The worker registers exactly these. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProbeActivities(deps),
    ...createLeaverActivities(deps),
    ...createTaskActivities(deps),
    ...createRequestActivities(deps),
    ...createRequestTaskActivities(deps),
    ...createCertificationActivities(deps),
    ...createCertificationReviewActivities(deps),
    ...createCertificationRemediationActivities(deps),
    ...createRemediationWaveActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
