import { findTemporalServer } from './server-binary';

/** `npm run temporal:server`: find or build the Temporal server and its schema tool; print where. */
try {
  const found = findTemporalServer({ log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${found.server}\n${found.sql}\n${found.schemaDir}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
