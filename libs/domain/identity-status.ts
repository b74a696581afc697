export type IdentityStatus = 'pending' | 'active' | 'terminated';

/**
 * An identity's status belongs to the lifecycle processes (ADR 080): a joiner makes it `pending`
 * then `active`, a leaver makes it `terminated` (revoking its access with tasks), a rehire (a
 * joiner naming a terminated identity's key) brings it back. A direct write (PUT /identities,
 * the catalog import) may carry the current status but never change it.
 *
 * Returns why `from` -> `to` is not a direct write, or null when it is allowed.
 */
export function statusChangeProblem(from: IdentityStatus, to: IdentityStatus | undefined): string | null {
  if (to === undefined || to === from) return null;
  if (to === 'terminated') return 'an identity is terminated by a leaver request (POST /api/v1/requests/leaver), which also revokes its access';
  if (from === 'terminated') return 'a terminated identity comes back by a rehire: a joiner request naming its key (POST /api/v1/requests/joiner)';
  return `status ${from} becomes ${to} only through its joiner request (POST /api/v1/requests/joiner)`;
}
