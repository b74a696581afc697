import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors';

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

/**
 * The policy decorators also write the OpenAPI side of the policy, so the document cannot drift
 * from the guard: the bearer scheme, 401 and 403 for signed-in routes (a token whose person is no
 * longer an active identity is refused with 403 on every route), 429 from the per-caller rate
 * limit, and `x-roles` naming who may call a role-restricted route.
 */
export const PublicRoute = (opts: { rateLimited?: boolean } = {}) =>
  applyDecorators(SetMetadata(ROUTE_POLICY, { kind: 'public' } satisfies RoutePolicy), ...(opts.rateLimited === false ? [] : [ApiErrors(429, 503)]));
export const Authenticated = () =>
  applyDecorators(
    SetMetadata(ROUTE_POLICY, { kind: 'authenticated' } satisfies RoutePolicy),
    ApiBearerAuth(),
    ApiErrors(401, [403, 'The caller maps to no active identity or role, or a finer rule named in `message` refuses'], 429, 503),
  );
export const Roles = (...roles: AppRole[]) =>
  applyDecorators(
    SetMetadata(ROUTE_POLICY, { kind: 'roles', roles } satisfies RoutePolicy),
    ApiBearerAuth(),
    ApiExtension('x-roles', roles),
    ApiErrors(401, [403, `The caller has none of the roles ${roles.join(', ')}, or a finer rule named in \`message\` refuses`], 429, 503),
  );

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
