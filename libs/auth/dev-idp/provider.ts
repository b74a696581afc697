import Provider from 'oidc-provider';
import {
  DEV_API_RESOURCE,
  DEV_API_SCOPE,
  DEV_INTEGRATION_CLIENTS,
  DEV_WEB_CLIENT,
  TOKEN_SCRIPT_REDIRECT,
} from './clients';
import type { IdentityDirectory } from './directory';
import type { DevIdpSecrets } from './keys';

export interface DevProviderOptions {
  issuer: string;
  /** The API's audience: the `aud` of every access token issued for it. */
  audience: string;
  /** Where the API's sign-in callback lives (`<publicUrl>/auth/callback`). */
  apiPublicUrl: string;
  directory: IdentityDirectory;
  secrets: DevIdpSecrets;
  accessTokenTtlSeconds?: number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A loopback redirect URI on any port counts as its registered path (the native-app rule of
 * RFC 8252 section 7.3), so tests can run the API on a free port. Development only.
 */
function sameLoopbackPath(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return LOOPBACK_HOSTS.has(x.hostname) && LOOPBACK_HOSTS.has(y.hostname) && x.protocol === y.protocol && x.pathname === y.pathname && x.search === y.search;
  } catch {
    return false;
  }
}

/** The oidc-provider instance of the development IdP (sign-in as any identity, no password). */
export function createDevProvider(o: DevProviderOptions) {
  const web = DEV_WEB_CLIENT;
  const integrationClients = Object.values(DEV_INTEGRATION_CLIENTS).map((c) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  }));

  const provider = new Provider(o.issuer, {
    clients: [
      {
        client_id: web.clientId,
        client_secret: web.clientSecret,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${o.apiPublicUrl}/auth/callback`, 'http://127.0.0.1/auth/callback', TOKEN_SCRIPT_REDIRECT],
        post_logout_redirect_uris: [`${o.apiPublicUrl}/`, 'http://127.0.0.1/'],
      },
      ...integrationClients,
    ],
    jwks: { keys: o.secrets.keys },
    cookies: { keys: o.secrets.cookieKeys },
    scopes: ['openid', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => DEV_API_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          if (resource !== DEV_API_RESOURCE) throw new Provider.errors.InvalidTarget();
          return {
            scope: DEV_API_SCOPE,
            audience: o.audience,
            accessTokenTTL: o.accessTokenTtlSeconds ?? 3600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    pkce: { required: () => false },
    ttl: { Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600, AuthorizationCode: 60, IdToken: 3600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, sub: string) => {
      const person = await o.directory.byKey(sub);
      if (!person) return undefined;
      return {
        accountId: person.key,
        claims: async () => ({ sub: person.key, preferred_username: person.username, email: person.email ?? undefined, name: person.name }),
      };
    },
    // People are named in access tokens too, so the API can map them without a userinfo call.
    extraTokenClaims: async (_ctx: unknown, token: { accountId?: string }) => {
      if (!token.accountId) return undefined;
      const person = await o.directory.byKey(token.accountId);
      return person ? { preferred_username: person.username, email: person.email ?? undefined, name: person.name } : undefined;
    },
    // First-party clients only: consent is implied, so grant the API scope and the profile.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- oidc-provider ships no types for its Koa context
    loadExistingGrant: async (ctx: any) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email');
      grant.addResourceScope(DEV_API_RESOURCE, DEV_API_SCOPE);
      await grant.save();
      return grant;
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
    renderError: async (ctx: any, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Sign-in error</title><h1>Sign-in error</h1><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`;
    },
  });

  const original = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function (this: { redirectUris: string[] }, value: string) {
    return original.call(this, value) || this.redirectUris.some((r) => sameLoopbackPath(r, value));
  };
  const originalLogout = provider.Client.prototype.postLogoutRedirectUriAllowed;
  provider.Client.prototype.postLogoutRedirectUriAllowed = function (this: { postLogoutRedirectUris: string[] }, value: string) {
    return originalLogout.call(this, value) || this.postLogoutRedirectUris.some((r) => sameLoopbackPath(r, value));
  };
  return provider;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
