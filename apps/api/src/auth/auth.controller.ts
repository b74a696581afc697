import { Controller, Get, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { OidcIssuerService } from './oidc-issuer.service';
import type { LoginRequest } from './login-state-cookie';
import { OidcLoginGuard, safeReturnTo } from './oidc-login';
import { PublicRoute } from './policy';
import type { SessionPerson } from './principal.service';

export const SESSION_COOKIE = 'jml.sid';

function promisify(fn: (cb: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

/** Browser sign-in and sign-out (OpenID Connect authorization code flow, session cookie). */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly issuer: OidcIssuerService,
  ) {}

  /**
   * Redirects to the IdP (the guard does). The state, nonce and where to come back to travel in a
   * short-lived signed cookie: no session exists until the callback succeeds (ADR 157).
   */
  @Get('login')
  @PublicRoute()
  @UseGuards(OidcLoginGuard)
  @ApiExcludeEndpoint()
  login(): void {
    // Not reached: the guard answers with the redirect to the IdP.
  }

  /** The IdP sends the browser back here with a code; the guard checks state, code and ID token. */
  @Get('callback')
  @PublicRoute()
  @UseGuards(OidcLoginGuard)
  @ApiExcludeEndpoint()
  async callback(@Req() req: LoginRequest & { user?: SessionPerson }, @Res() res: Response): Promise<void> {
    const person = req.user as SessionPerson;
    // Where to go came with the sign-in state (login-state-cookie.ts), not from a session.
    const returnTo = safeReturnTo(req.oidcReturnTo) ?? '/api/v1/me';
    // A new session id at sign-in: a session fixed before sign-in is worthless afterwards.
    await promisify((cb) => req.session.regenerate(cb));
    (req.session as { person?: SessionPerson }).person = person;
    await promisify((cb) => req.session.save(cb));
    res.redirect(303, returnTo);
  }

  @Get('logout')
  @PublicRoute()
  @ApiExcludeEndpoint()
  async logoutGet(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.logout(req, res);
  }

  /** Ends the session here and at the IdP (RP-initiated logout when the IdP offers it). */
  @Post('logout')
  @PublicRoute()
  @ApiExcludeEndpoint()
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.session) await promisify((cb) => req.session.destroy(cb));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    const endSession = await this.issuer
      .get()
      .discover()
      .then((d) => d.end_session_endpoint)
      .catch(() => undefined);
    if (!endSession || !this.config.oidc.clientId) {
      res.status(200).json({ signedOut: true });
      return;
    }
    const url = new URL(endSession);
    url.searchParams.set('client_id', this.config.oidc.clientId);
    url.searchParams.set('post_logout_redirect_uri', `${this.config.publicUrl.replace(/\/$/, '')}/`);
    res.redirect(303, url.toString());
  }
}
