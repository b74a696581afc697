import { Client } from 'pg';
import { integrationToken, personTokens } from '../../libs/auth/dev-tokens';
import { runCampaignFlow } from './campaign';
import { runChecks, type ChaosChecks } from './checks';
import { ChaosClient, sleep } from './client';
import { runFaults, type FaultRecord } from './faults';
import { runRequestFlow, type FlowKind, type RequestFlow } from './flows';
import { seedChaos, type ChaosSizes } from './seed';
import { ChaosStack } from './stack';

export interface ChaosOptions extends ChaosSizes {
  /** Flows start spread evenly over this many seconds (the load's arrival window). */
  arrivalSeconds: number;
  /** Pause between faults, ms (random within). */
  gapMs: [number, number];
  /** Everything must be at its end state within this (ms), or the run fails. */
  timeoutMs: number;
}

export interface ChaosResult {
  options: ChaosOptions;
  flows: Record<string, number>;
  faults: FaultRecord[];
  durationMs: number;
  unexpectedExits: string[];
  retried: ChaosClient['retried'];
  acks: number;
  checks: ChaosChecks;
}

export function chaosOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ChaosOptions {
  const n = (name: string, d: number) => Number(env[name] ?? d);
  return {
    joiners: n('CHAOS_JOINERS', 20), movers: n('CHAOS_MOVERS', 20), leavers: n('CHAOS_LEAVERS', 20), campaignItems: n('CHAOS_CAMPAIGN_ITEMS', 30),
    arrivalSeconds: n('CHAOS_ARRIVAL_SECONDS', 90), gapMs: [n('CHAOS_FAULT_GAP_MIN_MS', 2000), n('CHAOS_FAULT_GAP_MAX_MS', 8000)],
    timeoutMs: n('CHAOS_TIMEOUT_SECONDS', 900) * 1000,
  };
}

async function tokensFor(issuer: string): Promise<Record<string, string>> {
  const out: Record<string, string> = { hr: await integrationToken(issuer, 'hr-system') };
  for (const who of ['cadm', 'creq', 'cmgr', 'cown', 'ccm']) out[who] = (await personTokens(issuer, who)).accessToken;
  return out;
}

/** The load: every flow kind's baseline first (no faults), then all flows with arrivals spread out. */
async function load(api: ChaosClient, o: ChaosOptions, onBaseline: () => void) {
  const [joiner, mover, leaver] = await Promise.all((['joiner', 'mover', 'leaver'] as const).map((k) => runRequestFlow(api, k, 0)));
  const baseline: Record<FlowKind, RequestFlow> = { joiner, mover, leaver };
  onBaseline();
  const plan: (() => Promise<RequestFlow | string>)[] = [];
  for (const [kind, count] of [['joiner', o.joiners], ['mover', o.movers], ['leaver', o.leavers]] as const) {
    for (let i = 1; i <= count; i++) plan.push(() => runRequestFlow(api, kind, i));
  }
  if (o.campaignItems > 0) plan.splice(Math.floor(plan.length / 3), 0, () => runCampaignFlow(api));
  const started = Date.now();
  const results = await Promise.all(plan.map(async (run, i) => {
    await sleep(Math.max(0, started + (i * o.arrivalSeconds * 1000) / plan.length - Date.now()));
    return run();
  }));
  const flows = results.filter((r): r is RequestFlow => typeof r !== 'string');
  const campaignId = results.find((r): r is string => typeof r === 'string') ?? null;
  return { baseline, flows, campaignId };
}

/** `npm run chaos` and the bounded test: the whole run, checks included; the caller judges. */
export async function runChaos(o: ChaosOptions, log: (line: string) => void = () => undefined): Promise<ChaosResult> {
  const stack = new ChaosStack();
  try {
    await stack.start();
    const owner = new Client({ connectionString: stack.db.ownerUrl });
    await owner.connect();
    await seedChaos(owner, stack.helpdesk.url, o);
    await owner.end();
    await stack.startProcesses();
    const api = new ChaosClient(stack.apiUrl, await tokensFor(stack.issuer), Date.now() + o.timeoutMs);
    let busy = true;
    let faultsDone: Promise<FaultRecord[]> = Promise.resolve([]);
    const t0 = Date.now();
    log('baseline flows (no faults)...');
    const loaded = load(api, o, () => {
      log('load and faults...');
      faultsDone = runFaults(stack, { busy: () => busy, loadStarted: Date.now(), gapMs: o.gapMs, log });
      faultsDone.catch(() => (busy = false));
    }).finally(() => (busy = false));
    const { baseline, flows, campaignId } = await loaded;
    const durationMs = Date.now() - t0;
    const faults = await faultsDone;
    log('checks...');
    const checkOwner = new Client({ connectionString: stack.db.ownerUrl });
    await checkOwner.connect();
    const checks = await runChecks({
      owner: checkOwner, serviceUrl: stack.db.serviceUrl, flows, baseline, acks: api.acks, helpdesk: stack.helpdesk, smtp: stack.smtp,
      campaign: campaignId ? { id: campaignId, items: o.campaignItems } : null,
    }).finally(() => checkOwner.end());
    const count = (k: FlowKind) => flows.filter((f) => f.kind === k).length;
    return {
      options: o, flows: { joiner: count('joiner'), mover: count('mover'), leaver: count('leaver'), campaign: campaignId ? 1 : 0 },
      faults, durationMs, unexpectedExits: stack.unexpectedExits, retried: api.retried, acks: api.acks.length, checks,
    };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${await diagnose(stack)}`);
  } finally {
    await stack.stop();
  }
}

/** What was left unfinished when a run failed: the open work and the processes' last output. */
async function diagnose(stack: ChaosStack): Promise<string> {
  const c = new Client({ connectionString: stack.db?.ownerUrl, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    const q = async (sql: string) => JSON.stringify((await c.query(sql)).rows);
    return [
      `requests: ${await q(`SELECT kind, status, count(*)::int FROM request GROUP BY 1, 2`)}`,
      `campaigns: ${await q(`SELECT id, status, outcome FROM certification_campaign`)}`,
      `items: ${await q(`SELECT status, signed_off_at IS NOT NULL AS signed, count(*)::int FROM certification_item GROUP BY 1, 2`)}`,
      `tasks: ${await q(`SELECT campaign_id IS NOT NULL AS campaign, status, delivered_at IS NOT NULL AS delivered, count(*)::int FROM task GROUP BY 1, 2, 3`)}`,
      `outbox undelivered: ${await q(`SELECT kind, workflow_id, attempts, last_error FROM workflow_outbox WHERE delivered_at IS NULL LIMIT 5`)}`,
      `--- worker ---\n${stack.worker?.output().slice(-3000)}\n--- api ---\n${stack.api?.output().slice(-3000)}`,
    ].join('\n');
  } catch (e) {
    return `(no diagnosis: ${(e as Error).message})`;
  } finally {
    await c.end().catch(() => undefined);
  }
}
