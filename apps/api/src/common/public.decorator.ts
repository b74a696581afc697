import { PublicRoute } from '../auth/policy';

/** No sign-in and no rate limit: health probes (the throttler skips /health and /metrics). */
export const Unthrottled = () => PublicRoute({ rateLimited: false });

export { PublicRoute as Public };
