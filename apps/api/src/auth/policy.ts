import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

import type { AppRole } from '../../../../libs/auth/app-roles';

/** The tool's own internal roles (assigned by admins, audited). */
export { APP_ROLES, type AppRole } from '../../../../libs/auth/app-roles';

/**
 * Who is calling: a person signed in through the IdP (mapped to an identity of the system of
 * record) or an integration client (client-credentials token, mapped to roles by client id).
 */
export interface Principal {
  kind: 'person' | 'client';
  /** The identity key for a person; null for an integration client. */
  identityKey: string | null;
  /** Username for a person, client id for an integration. */
  username: string;
  displayName: string;
  roles: AppRole[];
  clientId?: string;
}

/**
 * Every route declares its policy (default deny): public, any signed-in caller, or one of the
 * listed internal roles. Finer checks (the role owner, an eligible approver, the system owner)
 * are made by the service with the principal, and answered 403 with the reason.
 */
export type RoutePolicy = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'roles'; roles: AppRole[] };

export const ROUTE_POLICY = 'jml:routePolicy';

export const PublicRoute = () => SetMetadata(ROUTE_POLICY, { kind: 'public' } satisfies RoutePolicy);
export const Authenticated = () => SetMetadata(ROUTE_POLICY, { kind: 'authenticated' } satisfies RoutePolicy);
export const Roles = (...roles: AppRole[]) => SetMetadata(ROUTE_POLICY, { kind: 'roles', roles } satisfies RoutePolicy);

/** The authenticated caller, set on the request by the auth guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a route without an authenticated principal');
  return req.principal;
});

/** The audit actor of a principal, for `recordAuditEvent`. */
export function actorOf(p: Principal): { type: 'identity' | 'client'; id: string; name: string } {
  return p.kind === 'person' && p.identityKey
    ? { type: 'identity', id: p.identityKey, name: p.displayName }
    : { type: 'client', id: p.clientId ?? p.username, name: p.displayName };
}
