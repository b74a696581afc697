import './instrument';
import 'reflect-metadata';
import { loadConfigOrExit } from '../../../libs/config/config';
import { createApiApp } from './create-app';
import { listenForLauncherRestarts } from './metrics/metrics';

/**
 * The API process. Nest owns process signals here (enableShutdownHooks): SIGTERM stops
 * accepting connections, then closes the Temporal client and the database pool.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp(config);
  app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
  await app.listen(config.port, config.host);
  listenForLauncherRestarts();
  process.send?.({ type: 'ready', component: 'api', url: await app.getUrl() });
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
