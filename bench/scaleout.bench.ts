import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { verifyLedger } from '../libs/audit/chain';
import { startDevIdp } from '../libs/auth/dev-idp/start-dev-idp';
import { integrationToken } from '../libs/auth/dev-tokens';
import { freePort } from '../libs/devstack/ports';
import { registerNamespace, startTemporalOnPostgres } from '../libs/devstack/temporal-postgres';
import { ormOptions } from '../libs/persistence/orm-options';
import { ticketMessageId } from '../libs/tickets/email';
import { ticketIdempotencyKey } from '../libs/tickets/ticket';
import { findTemporalServer } from '../libs/temporal/server-binary';
import { BenchHelpdesk, BenchSmtp } from './leaver-receivers';
import { LEDGER_ROWS_PER_LEAVER, SECRET, SYSTEMS, identityKey, pool, seed } from './leaver.bench';
import { startServiceProcess, type ServiceProcess } from './processes';
import { buildWorkflowBundle, productionEnv, type BenchResult, type BenchServices } from './support';

interface Topology {
  label: string;
  temporalAddress: string;
  workers: number;
  /** SIGKILL the first worker once this share of the tickets arrived (null: no kill). */
  killAt: number | null;
}

interface Outcome {
  seconds: number;
  tickets: number;
  arrived: number;
  duplicates: number;
  /** Re-sends the helpdesk's Idempotency-Key and the inbox's Message-ID absorbed. */
  resends: number;
  ledgerRows: number;
  verified: boolean;
  killedAtTickets: number | null;
}

/**
 * The production topology (issue 15 section 2, ADR 165): the real Temporal server 1.29.1 on
 * PostgreSQL, two API processes and one or two worker processes, the mass leaver POSTed across
 * both APIs. Three runs on fresh databases: the dev server with one worker (the figure of the
 * leaver bench), Temporal on PostgreSQL with one worker, and with two workers while the first is
 * SIGKILLed mid-burst. Each: all tickets arrived, each once (distinct Idempotency-Key and
 * Message-ID, no task with two ticket.delivered), ledger rows as the leaver bench expects, chain
 * verifies. Size: BENCH_SCALEOUT_LEAVERS (default 200) x 12 systems.
 */
export async function run(services: BenchServices): Promise<BenchResult> {
  const leavers = Number(process.env.BENCH_SCALEOUT_LEAVERS ?? 200);
  const owner = new URL(services.ownerUrl);
  const server = await startTemporalOnPostgres({
    binaries: findTemporalServer({ log: (l) => process.stderr.write(`${l}\n`) }), dataDir: services.dataDir, prefix: 'scaleout_',
    postgres: { host: owner.hostname, port: Number(owner.port), user: decodeURIComponent(owner.username), password: decodeURIComponent(owner.password) },
  });
  const rows: Record<string, string>[] = [];
  try {
    const topologies: Topology[] = [
      { label: 'Temporal dev server (SQLite), 2 APIs, 1 worker', temporalAddress: services.temporalAddress, workers: 1, killAt: null },
      { label: 'Temporal 1.29.1 on PostgreSQL, 2 APIs, 1 worker', temporalAddress: server.address, workers: 1, killAt: null },
      { label: 'Temporal 1.29.1 on PostgreSQL, 2 APIs, 2 workers', temporalAddress: server.address, workers: 2, killAt: null },
      { label: 'Temporal 1.29.1 on PostgreSQL, 2 APIs, 2 workers, one SIGKILLed mid-burst', temporalAddress: server.address, workers: 2, killAt: 0.3 },
    ];
    for (const t of topologies) {
      process.stderr.write(`scale-out: ${t.label}...\n`);
      const o = await burst(services, t, leavers);
      const ok = o.arrived === o.tickets && o.duplicates === 0 && o.ledgerRows === leavers * LEDGER_ROWS_PER_LEAVER && o.verified;
      rows.push({
        measure: `mass leaver ${leavers} x ${SYSTEMS}: ${t.label}`,
        result: `${(o.arrived / o.seconds).toFixed(1)} tickets/s (${o.seconds.toFixed(1)} s)`,
        goal: 'every ticket once, ledger complete, verifies', met: ok ? 'yes' : 'no',
        notes: `${o.arrived}/${o.tickets} tickets, distinct tickets twice ${o.duplicates}, re-sends absorbed ${o.resends}, ledger rows ${o.ledgerRows}/${leavers * LEDGER_ROWS_PER_LEAVER}, verifies ${o.verified}`
          + (o.killedAtTickets !== null ? `; worker 1 SIGKILLed after ${o.killedAtTickets} tickets` : ''),
      });
    }
  } finally {
    await server.stop();
  }
  return { name: 'scaleout', rows };
}

/** One topology on a fresh database: start the processes, POST every leaver, wait for every ticket. */
async function burst(services: BenchServices, t: Topology, leavers: number): Promise<Outcome> {
  const db = await services.freshDatabase();
  const owner = new Client({ connectionString: db.ownerUrl });
  // A dropped connection surfaces on the next query; unhandled, the event would end the bench.
  owner.on('error', (err) => process.stderr.write(`scale-out: bench connection lost: ${err.message}\n`));
  await owner.connect();
  const helpdesk = await new BenchHelpdesk(SECRET).start();
  const smtp = await new BenchSmtp().start();
  await seed(owner, helpdesk.url, leavers);
  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const apiPorts = [await freePort(), await freePort()];
  const apiUrls = apiPorts.map((p) => `http://127.0.0.1:${p}`);
  const idp = await startDevIdp({ port: idpPort, issuer, databaseUrl: db.serviceUrl, audience: 'jml-api', apiPublicUrl: apiUrls[0], keysDir: join(services.dataDir, `idp-${db.name}`) });
  const env = productionEnv({
    services, db, issuer, apiUrl: apiUrls[0], queue: 'scaleout', bundle: buildWorkflowBundle(services, db.name),
    extra: { TEMPORAL_ADDRESS: t.temporalAddress, TICKET_HMAC_SECRET: SECRET, SMTP_URL: smtp.url, OIDC_CLIENT_ROLES: 'hr-system:hr' },
  });
  // Leaver workflow ids name the identity (leaver-B00000), and the leaver bench leaves its leavers
  // running (waiting for attestation) under the same ids in the dev server's `default` namespace:
  // in one `npm run bench` this run's starts found them "already started" and nothing ran. Every
  // run, on either server, gets a namespace of its own.
  const namespace = `scaleout-${db.name}`;
  await registerNamespace(t.temporalAddress, namespace);
  env.TEMPORAL_NAMESPACE = namespace;
  const procs: ServiceProcess[] = [];
  try {
    const workers: ServiceProcess[] = [];
    for (let i = 0; i < t.workers; i++) workers.push(await startServiceProcess('worker', env));
    procs.push(...workers);
    for (const port of apiPorts) procs.push(await startServiceProcess('api', { ...env, PORT: String(port), HOST: '127.0.0.1' }));
    const hr = { authorization: `Bearer ${await integrationToken(issuer, 'hr-system')}`, 'content-type': 'application/json' };
    const keys = Array.from({ length: leavers }, (_, i) => identityKey(i));
    const t0 = Date.now();
    await pool(keys, 32, async (key) => {
      const url = apiUrls[Number(key.slice(1)) % apiUrls.length];
      const res = await fetch(`${url}/api/v1/requests/leaver`, { method: 'POST', headers: hr, body: JSON.stringify({ identity: key, reason: 'voluntary' }) });
      if (res.status !== 202) throw new Error(`leaver ${key}: ${res.status} ${await res.text()}`);
    });
    const expected = leavers * SYSTEMS;
    let killedAtTickets: number | null = null;
    const deadline = t0 + Number(process.env.BENCH_SCALEOUT_TIMEOUT_MS ?? 600_000);
    let arrived = 0;
    for (;;) {
      const { rows } = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM task WHERE channel = 'queue' AND delivered_at IS NOT NULL`)
        .catch(() => ({ rows: [{ n: 0 }] }));
      arrived = helpdesk.firstSeen.size + smtp.firstSeen.size + rows[0].n;
      if (t.killAt !== null && killedAtTickets === null && arrived >= expected * t.killAt) {
        killedAtTickets = arrived;
        workers[0].child.kill('SIGKILL');
      }
      if (arrived >= expected || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (Date.now() - t0) / 1000;
    // A ticket counts when it arrives; its delivery is recorded just after, and a SIGKILLed worker's
    // last deliveries only when another worker retries them (the re-send is absorbed). The integrity
    // check waits for every task's delivery to be recorded (at most 60 s; a shortfall then shows).
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      const { rows } = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM task WHERE delivered_at IS NOT NULL`);
      if (rows[0].n >= expected) break;
    }
    return { seconds, tickets: expected, arrived, killedAtTickets, ...(await integrity(owner, db.serviceUrl, helpdesk, smtp)) };
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await idp.stop();
    await helpdesk.stop();
    await smtp.stop();
    await owner.end();
  }
}

/** Duplicates (re-sent tickets, tasks delivered twice, tickets for no task), ledger rows of the leavers, chain. */
async function integrity(owner: Client, serviceUrl: string, helpdesk: BenchHelpdesk, smtp: BenchSmtp) {
  const { rows: tasks } = await owner.query<{ id: string; channel: string }>(`SELECT id, channel FROM task`);
  const known = new Set(tasks.flatMap((x) => [ticketIdempotencyKey(x.id), ticketMessageId(ticketIdempotencyKey(x.id))]));
  const strangers = [...helpdesk.firstSeen.keys(), ...smtp.firstSeen.keys()].filter((k) => !known.has(k)).length;
  const twice = await owner.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT subject_id FROM audit_event WHERE action = 'ticket.delivered' GROUP BY subject_id HAVING count(*) > 1) d`);
  const ledger = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE request_id IS NOT NULL AND action <> 'ticket.delivery_failed'`);
  const orm = await MikroORM.init(ormOptions({ url: serviceUrl, poolMax: 2 }));
  const verified = await verifyLedger(orm.em.fork());
  await orm.close(true);
  return { duplicates: strangers + twice.rows[0].n, resends: helpdesk.resends + smtp.resends, ledgerRows: ledger.rows[0].n, verified: verified.valid };
}

