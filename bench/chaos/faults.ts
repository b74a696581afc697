import { Client } from 'pg';
import { sleep } from './client';
import type { ChaosStack } from './stack';

export type FaultKind = 'worker SIGKILL' | 'Temporal restart' | 'PostgreSQL restart' | 'helpdesk 5xx';

export interface FaultRecord {
  kind: FaultKind;
  /** Seconds since the load started. */
  at: number;
  /** How long the service was down or failing (ms). */
  downMs: number;
  /** From the service being back to the first new ledger row (ms); null when no flow was left to move, Infinity when none came within 3 minutes. */
  recoveryMs: number | null;
}

/** The highest ledger sequence number, or null while PostgreSQL does not answer. */
async function ledgerHead(ownerUrl: string): Promise<number | null> {
  const c = new Client({ connectionString: ownerUrl, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    const { rows } = await c.query<{ s: string | null }>('SELECT max(seq) AS s FROM audit_event');
    return Number(rows[0].s ?? 0);
  } catch {
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Waits for the ledger to grow past what it held when the fault was lifted: the system moves again. */
async function recovery(ownerUrl: string, liftedAt: number, busy: () => boolean, timeoutMs = 180_000): Promise<number | null> {
  let head: number | null = null;
  while (head === null && Date.now() - liftedAt < timeoutMs) head = (await ledgerHead(ownerUrl)) ?? (await sleep(200), null);
  for (;;) {
    if (!busy()) return null;
    const now = await ledgerHead(ownerUrl);
    if (now !== null && head !== null && now > head) return Date.now() - liftedAt;
    if (Date.now() - liftedAt > timeoutMs) return Infinity;
    await sleep(100);
  }
}

const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

/** Brings one fault about and lifts it again; resolves with the moment it was lifted. */
async function inflict(stack: ChaosStack, kind: FaultKind): Promise<number> {
  if (kind === 'worker SIGKILL') {
    await stack.killWorker();
    await sleep(between(0, 2000));
    await stack.startWorker();
  } else if (kind === 'Temporal restart') {
    await stack.temporal.stop();
    await sleep(between(1000, 4000));
    await stack.startTemporal();
  } else if (kind === 'PostgreSQL restart') {
    await stack.db.stop();
    await sleep(between(1000, 4000));
    await stack.startPostgres();
  } else {
    stack.helpdesk.failing = true;
    await sleep(between(3000, 8000));
    stack.helpdesk.failing = false;
  }
  return Date.now();
}

/**
 * The fault schedule: while the load runs, a random fault every few seconds (worker kills twice
 * as likely as the others), one at a time, each followed by its recovery measurement. Every kind
 * happens at least once: the first four are one of each, in random order.
 */
export async function runFaults(stack: ChaosStack, opts: { busy: () => boolean; loadStarted: number; gapMs: [number, number]; log: (line: string) => void }): Promise<FaultRecord[]> {
  const kinds: FaultKind[] = ['worker SIGKILL', 'Temporal restart', 'PostgreSQL restart', 'helpdesk 5xx'];
  const first = [...kinds].sort(() => Math.random() - 0.5);
  const faults: FaultRecord[] = [];
  while (opts.busy()) {
    await sleep(between(...opts.gapMs));
    if (!opts.busy()) break;
    const kind = first.shift() ?? pick([...kinds, 'worker SIGKILL'] as const);
    const started = Date.now();
    const lifted = await inflict(stack, kind);
    const rec: FaultRecord = { kind, at: (started - opts.loadStarted) / 1000, downMs: lifted - started, recoveryMs: null };
    faults.push(rec);
    rec.recoveryMs = await recovery(stack.db.ownerUrl, lifted, opts.busy);
    opts.log(`${kind} at ${rec.at.toFixed(0)} s: down ${rec.downMs} ms, recovered after ${rec.recoveryMs} ms`);
  }
  return faults;
}
