/**
 * The development IdP's registered clients. Secrets here are development-only values (the dev IdP
 * never runs in production, see `loadConfig`); a real IdP issues its own.
 */
export const DEV_WEB_CLIENT = { clientId: 'jml-web', clientSecret: 'jml-web-dev-secret' } as const;

/** Integration clients (OAuth client credentials, no user). */
export const DEV_INTEGRATION_CLIENTS = {
  'hr-system': { clientId: 'hr-system', clientSecret: 'hr-system-dev-secret' },
  helpdesk: { clientId: 'helpdesk', clientSecret: 'helpdesk-dev-secret' },
} as const;

export type DevIntegrationClientId = keyof typeof DEV_INTEGRATION_CLIENTS;

/** The resource indicator of the API at the dev IdP; tokens for it carry `aud` = the API audience. */
export const DEV_API_RESOURCE = 'urn:jml:api';

/** The one scope of the API's resource server. */
export const DEV_API_SCOPE = 'api';

/** Where the token script says the code should go; never actually served, the script reads it. */
export const TOKEN_SCRIPT_REDIRECT = 'http://127.0.0.1/token-script/callback';
