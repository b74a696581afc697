import { createHash, randomBytes } from 'node:crypto';
import { TinyBrowser, formAction } from './browser';
import { DEV_API_SCOPE, DEV_INTEGRATION_CLIENTS, DEV_WEB_CLIENT, TOKEN_SCRIPT_REDIRECT } from './dev-idp/clients';

/**
 * Tokens from the development IdP, obtained the way a real client would: an authorization-code
 * flow with PKCE through the login page (for a person), or client credentials (for an
 * integration). No side door: the IdP decides what the tokens say.
 */
interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`no OpenID discovery document at ${issuer} (HTTP ${res.status}): is the dev IdP running?`);
  return (await res.json()) as Discovery;
}

function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

async function tokenRequest(endpoint: string, clientId: string, secret: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { authorization: basic(clientId, secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`token endpoint refused: ${String(body.error)} ${String(body.error_description ?? '')}`.trim());
  return body;
}

export interface PersonTokens {
  accessToken: string;
  idToken: string;
}

/** Signs in as `username` through the dev IdP's login page and exchanges the code (PKCE). */
export async function personTokens(issuer: string, username: string): Promise<PersonTokens> {
  const d = await discover(issuer);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const auth = new URL(d.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: DEV_WEB_CLIENT.clientId,
    response_type: 'code',
    scope: `openid profile email ${DEV_API_SCOPE}`,
    redirect_uri: TOKEN_SCRIPT_REDIRECT,
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const browser = new TinyBrowser();
  const isCallback = (u: string) => u.startsWith(TOKEN_SCRIPT_REDIRECT);
  const page = await browser.follow(auth.toString(), {}, isCallback);
  if (!page.response || page.stoppedAt) throw new Error('the IdP did not show a sign-in page');
  const submitted = await browser.follow(formAction(page.response.body, page.response.url), { form: { username } }, isCallback);
  if (!submitted.stoppedAt) {
    const alert = /role="alert">([^<]*)</
      .exec(submitted.response?.body ?? '')?.[1]
      ?.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    throw new Error(`sign-in as "${username}" failed: ${alert ?? `HTTP ${submitted.response?.status}`}`);
  }
  const callback = new URL(submitted.stoppedAt);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch in the IdP redirect');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.searchParams.get('error_description') ?? callback.searchParams.get('error')}`);
  const tokens = await tokenRequest(d.token_endpoint, DEV_WEB_CLIENT.clientId, DEV_WEB_CLIENT.clientSecret, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: TOKEN_SCRIPT_REDIRECT,
    code_verifier: verifier,
  });
  return { accessToken: String(tokens.access_token), idToken: String(tokens.id_token) };
}

/** A client-credentials access token for one of the dev IdP's integration clients. */
export async function integrationToken(issuer: string, clientId: string): Promise<string> {
  const client = DEV_INTEGRATION_CLIENTS[clientId as keyof typeof DEV_INTEGRATION_CLIENTS];
  if (!client) throw new Error(`unknown integration client "${clientId}" (dev IdP has: ${Object.keys(DEV_INTEGRATION_CLIENTS).join(', ')})`);
  const d = await discover(issuer);
  const tokens = await tokenRequest(d.token_endpoint, client.clientId, client.clientSecret, { grant_type: 'client_credentials', scope: DEV_API_SCOPE });
  return String(tokens.access_token);
}
