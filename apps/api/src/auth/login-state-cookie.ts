import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import type { SessionStoreContext } from 'passport-openidconnect';

/** The cookie that carries a sign-in in progress, from GET /auth/login to GET /auth/callback. */
export const LOGIN_COOKIE = 'jml.login';
/** Time a person has at the IdP's login page before the sign-in must start again. */
export const LOGIN_STATE_SECONDS = 600;
const AUDIENCE = 'jml-login-state';

/** One cookie's value; ours is a JWT (base64url and dots), so no decoding is involved. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

type Verified = (err: Error | null, ctx?: false | SessionStoreContext, state?: unknown) => void;

export type LoginRequest = Request & { oidcExpectedNonce?: string; oidcReturnTo?: string };

/**
 * passport-openidconnect's state store, kept in a short-lived signed cookie instead of the
 * session (ADR 157): an anonymous GET /auth/login writes nothing to the database, and a login that
 * is never completed leaves nothing behind. The cookie is a JWT (HS256, keyed by the session
 * secret, `exp` after LOGIN_STATE_SECONDS) holding the state handle, the nonce, when it was issued
 * and where to return; HttpOnly and SameSite=Lax, so the IdP's top-level redirect back brings it.
 * The callback consumes it (cleared whatever the outcome), and the nonce goes to our own ID token
 * check, which the library does only against the unverified payload.
 */
export class LoginStateCookie {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly secure: boolean,
    private readonly returnToOf: (req: Request) => string | undefined,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  store(req: Request, ctx: SessionStoreContext, _appState: unknown, _meta: unknown, cb: (err: Error | null, handle?: string) => void): void {
    const handle = randomBytes(18).toString('base64url');
    const claims = { handle, nonce: ctx.nonce, issued: ctx.issued ? new Date(ctx.issued).toISOString() : undefined, maxAge: ctx.maxAge, returnTo: this.returnToOf(req) };
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${LOGIN_STATE_SECONDS}s`)
      .sign(this.key)
      .then((jwt) => {
        this.response(req).cookie(LOGIN_COOKIE, jwt, this.cookieOptions(LOGIN_STATE_SECONDS * 1000));
        cb(null, handle);
      }, cb);
  }

  verify(req: Request, handle: string, cb: Verified): void {
    const jwt = cookieValue(req.headers.cookie, LOGIN_COOKIE);
    // One use only: whatever happens next, this sign-in attempt is over.
    this.response(req).clearCookie(LOGIN_COOKIE, this.cookieOptions());
    if (!jwt) return cb(null, false, { message: 'Unable to verify authorization request state (no sign-in in progress, or it expired).' });
    jwtVerify(jwt, this.key, { audience: AUDIENCE, algorithms: ['HS256'] }).then(
      ({ payload }) => {
        if (payload.handle !== handle) return cb(null, false, { message: 'Invalid authorization request state.' });
        const r = req as LoginRequest;
        r.oidcExpectedNonce = typeof payload.nonce === 'string' ? payload.nonce : undefined;
        r.oidcReturnTo = typeof payload.returnTo === 'string' ? payload.returnTo : undefined;
        // The library wants `issued` as a Date (its own store converts it the same way).
        const issued = typeof payload.issued === 'string' ? new Date(payload.issued) : undefined;
        cb(null, { nonce: r.oidcExpectedNonce, maxAge: payload.maxAge as number | undefined, issued: issued as unknown as string });
      },
      () => cb(null, false, { message: 'Unable to verify authorization request state (expired or tampered).' }),
    );
  }

  private response(req: Request): Response {
    if (!req.res) throw new Error('login state cookie: no response object on the request');
    return req.res;
  }

  private cookieOptions(maxAge?: number) {
    return { httpOnly: true, sameSite: 'lax' as const, secure: this.secure, path: '/auth', ...(maxAge ? { maxAge } : {}) };
  }
}
