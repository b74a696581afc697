import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/** Asymmetric signatures only: never `none`, never HMAC (which a public key could forge). */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Tolerated clock difference with the IdP for exp/nbf/iat. */
export const CLOCK_SKEW_SECONDS = 30;

export interface OidcDiscovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
}

export class TokenRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRejected';
  }
}

/**
 * The organisation's IdP as the API sees it: its discovery document and signing keys (fetched on
 * first use, not at start-up, so the API starts while the IdP is briefly away), and JWT checks.
 * jose's remote key set caches the keys and refetches them when a token names an unknown `kid`
 * (at most every 30 s), which is how key rotation at the IdP is picked up.
 */
export class OidcIssuer {
  private discovery: Promise<OidcDiscovery> | null = null;
  private keys: ReturnType<typeof createRemoteJWKSet> | null = null;

  constructor(
    readonly issuer: string,
    private readonly audience: string,
    private readonly clientId: string | undefined,
  ) {}

  discover(): Promise<OidcDiscovery> {
    if (!this.discovery) {
      const attempt = this.fetchDiscovery();
      this.discovery = attempt;
      attempt.catch(() => {
        if (this.discovery === attempt) this.discovery = null; // try again on the next request
      });
    }
    return this.discovery;
  }

  private async fetchDiscovery(): Promise<OidcDiscovery> {
    const url = `${this.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`OpenID discovery at ${url} answered HTTP ${res.status}`);
    const doc = (await res.json()) as OidcDiscovery;
    // The document must describe this issuer (OpenID Connect Discovery 1.0, section 4.3).
    if (doc.issuer !== this.issuer) throw new Error(`OpenID discovery at ${url} names issuer ${doc.issuer}, expected ${this.issuer}`);
    for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof doc[field] !== 'string') throw new Error(`OpenID discovery at ${url} lacks ${field}`);
    }
    return doc;
  }

  private async keySet() {
    if (!this.keys) this.keys = createRemoteJWKSet(new URL((await this.discover()).jwks_uri), { timeoutDuration: 5000 });
    return this.keys;
  }

  /** A bearer access token for the API: signature, issuer, audience, expiry. */
  verifyAccessToken(token: string): Promise<JWTPayload> {
    return this.verify(token, this.audience);
  }

  /** An ID token from the sign-in flow: signature, issuer, audience (our client id), expiry, nonce. */
  async verifyIdToken(token: string, expectedNonce: string | undefined): Promise<JWTPayload> {
    if (!this.clientId) throw new TokenRejected('OIDC_CLIENT_ID is not configured');
    const claims = await this.verify(token, this.clientId);
    if (!expectedNonce || claims.nonce !== expectedNonce) throw new TokenRejected('ID token nonce does not match the sign-in request');
    if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== this.clientId) {
      throw new TokenRejected('ID token has several audiences but was not issued to this client');
    }
    return claims;
  }

  private async verify(token: string, audience: string): Promise<JWTPayload> {
    let keys: Awaited<ReturnType<OidcIssuer['keySet']>>;
    try {
      keys = await this.keySet();
    } catch (err) {
      throw new Error(`cannot reach the IdP to verify tokens: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.issuer,
        audience,
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      return payload;
    } catch (err) {
      throw new TokenRejected(describeJoseError(err));
    }
  }
}

function describeJoseError(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'token signature is invalid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'token algorithm is not allowed';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'token is not signed by a key of the IdP';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `token claim check failed: ${message}`;
    default:
      return `token is not a valid JWT: ${message}`;
  }
}
