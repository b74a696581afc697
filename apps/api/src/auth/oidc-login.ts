import { ForbiddenException, HttpException, Inject, Injectable, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import passport from 'passport';
import { Strategy } from 'passport-openidconnect';
import type { Request } from 'express';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { TokenRejected } from '../../../../libs/auth/oidc-issuer';
import { DEVELOPMENT_SESSION_SECRET } from './session-secret';
import { LoginStateCookie, type LoginRequest } from './login-state-cookie';
import { OidcIssuerService } from './oidc-issuer.service';
import { PrincipalService, type SessionPerson } from './principal.service';

export const OIDC_STRATEGY = 'oidc';

/** A same-site path only (no open redirect through `returnTo`). */
export function safeReturnTo(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : undefined;
}

/**
 * Browser sign-in (authorization code flow) with passport-openidconnect. That library neither
 * reads the discovery document nor checks the ID token's signature; both are filled in here: the
 * endpoints come from discovery, and the ID token is verified with jose (signature against the
 * IdP's JWKS, issuer, audience, expiry, nonce) before anyone is signed in.
 */
@Injectable()
export class OidcLogin {
  private registered: Promise<void> | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly issuer: OidcIssuerService,
    private readonly principals: PrincipalService,
  ) {}

  /** Registers the passport strategy on first use (the IdP need not be up when the API starts). */
  ensureStrategy(): Promise<void> {
    if (!this.registered) {
      const attempt = this.register();
      this.registered = attempt;
      attempt.catch(() => {
        if (this.registered === attempt) this.registered = null;
      });
    }
    return this.registered;
  }

  private async register(): Promise<void> {
    const { clientId, clientSecret } = this.config.oidc;
    if (!clientId || !clientSecret) throw new Error('OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are needed for browser sign-in');
    const issuer = this.issuer.get();
    const d = await issuer.discover();
    const verify = (
      req: Request,
      _iss: string,
      _profile: unknown,
      _context: unknown,
      idToken: string,
      _accessToken: string,
      _refreshToken: string,
      _params: unknown,
      done: (err: unknown, user?: SessionPerson | false, info?: unknown) => void,
    ) => {
      issuer
        .verifyIdToken(idToken, (req as LoginRequest).oidcExpectedNonce)
        .then((claims) => this.principals.sessionPersonFromIdToken(claims))
        .then(
          (person) => done(null, person),
          (err: unknown) => done(err instanceof TokenRejected ? new UnauthorizedException(`Sign-in refused: ${err.message}`) : err),
        );
    };
    passport.use(
      OIDC_STRATEGY,
      new Strategy(
        {
          issuer: d.issuer,
          authorizationURL: d.authorization_endpoint,
          tokenURL: d.token_endpoint,
          userInfoURL: d.userinfo_endpoint ?? '',
          skipUserProfile: true,
          clientID: clientId,
          clientSecret,
          callbackURL: `${this.config.publicUrl.replace(/\/$/, '')}/auth/callback`,
          scope: ['profile', 'email'],
          nonce: 'true',
          passReqToCallback: true,
          store: new LoginStateCookie(
            this.config.sessionSecret ?? DEVELOPMENT_SESSION_SECRET,
            this.config.isProduction || this.config.publicUrl.startsWith('https:'),
            (req) => safeReturnTo(req.query?.returnTo),
          ) as never,
        },
        verify as never,
      ),
    );
  }
}

/** The @nestjs/passport guard of /auth/login and /auth/callback. */
@Injectable()
export class OidcLoginGuard extends AuthGuard(OIDC_STRATEGY) {
  constructor(private readonly login: OidcLogin) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.login.ensureStrategy();
    return (await super.canActivate(context)) as boolean;
  }

  override getAuthenticateOptions() {
    return { session: false };
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err instanceof HttpException) throw err;
    if (err) throw new UnauthorizedException(`Sign-in failed: ${err instanceof Error ? err.message : String(err)}`);
    if (!user) {
      const message = (info as { message?: string } | undefined)?.message;
      throw new ForbiddenException(`Sign-in failed${message ? `: ${message}` : ''}`);
    }
    return user;
  }
}
