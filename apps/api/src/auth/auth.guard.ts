import {
  ForbiddenException,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { TokenRejected } from '../../../../libs/auth/oidc-issuer';
import { OidcIssuerService } from './oidc-issuer.service';
import { ROUTE_POLICY, type Principal, type RoutePolicy } from './policy';
import { PrincipalService, type SessionPerson } from './principal.service';

/** The message of every policy refusal, so callers and the route matrix can tell it apart. */
export const POLICY_DENIED = 'Access denied by route policy';

export type AuthenticatedRequest = Request & {
  principal?: Principal;
  session?: Request['session'] & { person?: SessionPerson };
};

/**
 * The global guard (default deny): reads the route's declared policy, authenticates the caller
 * (bearer JWT, else the session cookie), maps it to a principal with internal roles, and enforces
 * the policy: 401 when nobody is signed in, 403 when the caller may not.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly issuer: OidcIssuerService,
    private readonly principals: PrincipalService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [context.getHandler(), context.getClass()]);
    // Start-up refuses such routes; this is the second line of defence.
    if (!policy) throw new ForbiddenException(`${POLICY_DENIED}: the route declares no policy`);
    if (policy.kind === 'public') return true;

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(req);
    if (!principal) throw new UnauthorizedException('Sign in or send a bearer token');
    req.principal = principal;
    if (policy.kind === 'roles' && !policy.roles.some((r) => principal.roles.includes(r))) {
      throw new ForbiddenException(`${POLICY_DENIED}: requires one of the roles ${policy.roles.join(', ')}`);
    }
    return true;
  }

  private async authenticate(req: AuthenticatedRequest): Promise<Principal | null> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
      if (!m) throw new UnauthorizedException('Authorization header must be "Bearer <token>"');
      let claims;
      try {
        claims = await this.issuer.get().verifyAccessToken(m[1]);
      } catch (err) {
        if (err instanceof TokenRejected) throw new UnauthorizedException(`Invalid bearer token: ${err.message}`);
        throw new ServiceUnavailableException('Cannot verify tokens right now: the identity provider is unreachable');
      }
      return this.principals.fromAccessToken(claims);
    }
    const person = req.session?.person;
    return person ? this.principals.fromSession(person) : null;
  }
}
