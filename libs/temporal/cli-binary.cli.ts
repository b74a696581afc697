import { findTemporalCli } from './cli-binary';

/** `npm run temporal:cli`: find or build the Temporal CLI and print its path. */
const path = findTemporalCli({ log: (l) => process.stderr.write(`${l}\n`) });
if (!path) {
  process.stderr.write('No Temporal CLI available (install Go, or set TEMPORAL_CLI)\n');
  process.exit(1);
}
process.stdout.write(`${path}\n`);
