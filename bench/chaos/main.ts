import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chaosOptionsFromEnv, runChaos, type ChaosResult } from './run';

/** Whether a run found nothing lost, duplicated or stuck. */
export function chaosPassed(r: ChaosResult): boolean {
  const c = r.checks;
  return c.notAtEnd.length === 0 && c.ledgerDuplicates === 0 && c.ledgerMissing === 0 && c.duplicateTickets === 0
    && c.ticketsMissing === 0 && c.acksLost.length === 0 && c.verified && r.faults.every((f) => f.recoveryMs !== Infinity);
}

/** The table of a run, in Markdown. */
export function chaosTable(r: ChaosResult): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const by = (k: string) => r.faults.filter((f) => f.kind === k);
  const c = r.checks;
  const rows: [string, string][] = [
    ['flows', `${r.flows.joiner} joiners, ${r.flows.mover} movers, ${r.flows.leaver} leavers, ${r.flows.campaign} campaign (${r.options.campaignItems} items), + 1 fault-free baseline flow per request kind`],
    ['worker kills (SIGKILL)', String(by('worker SIGKILL').length)],
    ['restarts', `Temporal ${by('Temporal restart').length}, PostgreSQL ${by('PostgreSQL restart').length}; helpdesk 5xx periods ${by('helpdesk 5xx').length}`],
    ['unexpected process exits (restarted by the harness)', String(r.unexpectedExits.length)],
    ['duration (baseline start to every flow at its end state)', s(r.durationMs)],
    ...r.faults.map((f, i): [string, string] => [`fault ${i + 1}: ${f.kind} at ${f.at.toFixed(0)} s`, `down ${s(f.downMs)}, recovered ${f.recoveryMs === null ? '- (no flow left to move)' : f.recoveryMs === Infinity ? 'NOT within 180 s' : `${s(f.recoveryMs)} after`}`]),
    ['flows not at their end state', String(c.notAtEnd.length)],
    ['duplicate tickets (distinct Idempotency-Key / Message-ID, tasks with >1 ticket.delivered)', String(c.duplicateTickets)],
    ['re-sends absorbed by Idempotency-Key / Message-ID', String(c.resends)],
    ['tickets never received', String(c.ticketsMissing)],
    ['ledger rows duplicated / missing (against the fault-free flow of each kind)', `${c.ledgerDuplicates} / ${c.ledgerMissing}`],
    ['acknowledged API calls without effect', `${c.acksLost.length} of ${r.acks}`],
    ['ledger verifies', `${c.verified} (${c.verifiedRows} rows)`],
    ['calls retried by the clients', `no answer ${r.retried.noAnswer}, 5xx ${r.retried.server5xx} (of which 500: ${r.retried.status500}), 429 ${r.retried.throttled}`],
  ];
  return ['| measure | result |', '|---|---|', ...rows.map(([m, v]) => `| ${m} | ${v} |`)].join('\n');
}

async function main(): Promise<void> {
  const options = chaosOptionsFromEnv();
  const r = await runChaos(options, (l) => process.stderr.write(`${l}\n`));
  const table = `# Chaos run ${new Date().toISOString()}\n\n${chaosTable(r)}\n`;
  const details = [...r.checks.notAtEnd, ...r.checks.ledgerNotes, ...r.checks.acksLost, ...r.unexpectedExits].map((l) => `- ${l}`).join('\n');
  process.stdout.write(`${table}\n${details}\n`);
  const dir = join(__dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `chaos-${new Date().toISOString().replace(/[:.]/g, '-')}.md`), `${table}\n${details}\n`);
  if (!chaosPassed(r)) process.exit(1);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
