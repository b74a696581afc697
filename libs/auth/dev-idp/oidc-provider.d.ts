// oidc-provider ships no type declarations; the dev IdP uses it through a narrow, local surface.
declare module 'oidc-provider';
