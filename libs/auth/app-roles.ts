/**
 * The tool's own internal roles (assigned by admins, audited). Dependency-free so configuration
 * and the API share one list; `apps/api/src/auth/policy.ts` re-exports it.
 */
export const APP_ROLES = ['requester', 'approver', 'system_owner', 'hr', 'admin', 'auditor'] as const;
export type AppRole = (typeof APP_ROLES)[number];

export function isAppRole(value: unknown): value is AppRole {
  return typeof value === 'string' && (APP_ROLES as readonly string[]).includes(value);
}

/**
 * Parses `name:role,name:role` (several roles for one name are repeated pairs), e.g.
 * `OIDC_CLIENT_ROLES=hr-system:hr,helpdesk:system_owner`. Returns the problems instead of throwing,
 * so configuration can report every bad variable at once.
 */
export function parseRoleMapping(pairs: string[]): { mapping: Record<string, AppRole[]>; problems: string[] } {
  const mapping: Record<string, AppRole[]> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const at = pair.lastIndexOf(':');
    const name = pair.slice(0, at).trim();
    const role = pair.slice(at + 1).trim();
    if (at <= 0 || !name) problems.push(`"${pair}" is not name:role`);
    else if (!isAppRole(role)) problems.push(`"${role}" is not a role (one of ${APP_ROLES.join(', ')})`);
    else mapping[name] = [...new Set([...(mapping[name] ?? []), role])];
  }
  return { mapping, problems };
}
