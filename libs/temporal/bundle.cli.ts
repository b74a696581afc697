import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * `npm run build:workflows`: bundles the workflow code once for production (the Docker image),
 * so production workers start without webpack and run exactly the code that was reviewed.
 */
async function main(): Promise<void> {
  const out = process.argv[2] ?? join(__dirname, '..', '..', 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') });
  writeFileSync(out, code);
  process.stdout.write(`workflow bundle written to ${out} (${Math.round(code.length / 1024)} KiB)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
