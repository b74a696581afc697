import { IdentityDirectory } from './directory';
import { loadOrCreateSecrets } from './keys';
import { createDevIdpServer } from './server';
import type { DevIdpProcessOptions } from './start-dev-idp';

/**
 * Entry point of the dev IdP process (forked by `startDevIdp`). oidc-provider is an ES module
 * that needs plain Node (not jest's module loader), which is one reason it runs in its own process.
 */
function main(): void {
  const raw = process.env.JML_DEV_IDP_OPTIONS;
  if (!raw) throw new Error('JML_DEV_IDP_OPTIONS is not set (start the dev IdP through startDevIdp)');
  const o = JSON.parse(raw) as DevIdpProcessOptions;
  const directory = new IdentityDirectory(o.databaseUrl);
  const server = createDevIdpServer({
    issuer: o.issuer,
    audience: o.audience,
    apiPublicUrl: o.apiPublicUrl,
    directory,
    secrets: loadOrCreateSecrets(o.keysDir),
    accessTokenTtlSeconds: o.accessTokenTtlSeconds,
  });
  server.listen(o.port, o.host, () => process.send?.({ type: 'ready', issuer: o.issuer }));
  server.on('error', (err) => {
    process.stderr.write(`dev IdP failed: ${err.message}\n`);
    process.exit(1);
  });
  const stop = () => {
    server.closeAllConnections();
    server.close(() => void directory.close().finally(() => process.exit(0)));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

main();
