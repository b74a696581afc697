import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { LEDGER_LOCK_KEY } from '../libs/audit/ledger';
import type { ApprovalPolicyStep } from '../libs/domain/approval-policy';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness, type TestIdentity } from './support/auth';
import { createOrm, freshDatabase, startWorker, type TestDatabase } from './support/services';

/** A database, dev IdP, API and in-process worker for one request test file, with catalog seeding. */
export interface RequestStack {
  db: TestDatabase;
  owner: PgClient;
  orm: MikroORM;
  auth: AuthHarness;
  api: Awaited<ReturnType<typeof startApi>>;
  worker: Awaited<ReturnType<typeof startWorker>> | null;
  stop(): Promise<void>;
}

export const FAST_TIMING = { APPROVAL_SLA: '1h', APPROVAL_REMINDER: '30m', TASK_DUE: '1h', TASK_REMINDER_BEFORE_DUE: '10m' };

export async function startRequestStack(env: Record<string, string> = {}, opts: { worker?: boolean } = {}): Promise<RequestStack> {
  const db = await freshDatabase();
  const owner = new PgClient({ connectionString: db.ownerUrl });
  await owner.connect();
  const auth = await startAuthHarness(db, { ...FAST_TIMING, ...env });
  const orm = await createOrm(db.serviceUrl);
  const worker = opts.worker === false ? null : await startWorker(auth.config, orm);
  const api = await startApi(auth.config);
  const stack: RequestStack = {
    db, owner, orm, auth, api, worker,
    async stop() {
      await api.close().catch(() => undefined);
      await stack.worker?.stop().catch(() => undefined);
      await auth.stop().catch(() => undefined);
      await orm.close(true);
      await owner.end();
      await db.drop();
    },
  };
  return stack;
}

export async function people(db: TestDatabase, list: TestIdentity[]): Promise<void> {
  for (const p of list) await createIdentity(db, p);
}

export async function seedSystem(owner: PgClient, key: string, owners: string[], entitlements: string[], slaHours = 8): Promise<void> {
  await owner.query(`INSERT INTO target_system (key, name, owners, channel, target, deprovision_sla_hours) VALUES ($1, $2, $3, 'queue', NULL, $4)`, [key, key.toUpperCase(), owners, slaHours]);
  for (const e of entitlements) await owner.query(`INSERT INTO entitlement (system_key, key, name) VALUES ($1, $2, $3)`, [key, e, e]);
}

export async function seedRole(owner: PgClient, key: string, roleOwner: string, entitlements: [string, string][], steps: ApprovalPolicyStep[]): Promise<void> {
  await owner.query(`INSERT INTO role (key, latest_version) VALUES ($1, 1)`, [key]);
  await owner.query(
    `INSERT INTO role_version (role_key, version, name, owner, risk, entitlements, approval_policy, created_by)
     VALUES ($1, 1, $2, $3, 'medium', $4::jsonb, $5::jsonb, 'test')`,
    [key, key, roleOwner, JSON.stringify(entitlements.map(([system, entitlement]) => ({ system, entitlement }))), JSON.stringify({ steps })],
  );
}

export async function seedSodRule(owner: PgClient, key: string, action: 'block' | 'require_dual_approval', roles: [string, string]): Promise<void> {
  await owner.query(
    `INSERT INTO sod_rule (key, name, severity, action, sets) VALUES ($1, $1, 'high', $2, $3::jsonb)`,
    [key, action, JSON.stringify(roles.map((r) => ({ roles: [r], entitlements: [] })))],
  );
}

/** An active assignment held before the test (provenance: imported). */
export async function holdRole(owner: PgClient, identity: string, role: string): Promise<void> {
  const { rows } = await owner.query(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES (gen_random_uuid(), 'test', 'test', '{}') RETURNING id`);
  await owner.query(
    `INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
     SELECT $1, role_key, version, entitlements, 'imported', $3, now() FROM role_version WHERE role_key = $2 AND version = 1`,
    [identity, role, rows[0].id],
  );
}

export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Row counts of the tables a refused call must leave untouched (a 4xx changes nothing). */
export async function rowCounts(owner: PgClient): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['request', 'identity', 'workflow_outbox', 'audit_event', 'task', 'target_system', 'role_version', 'sod_rule', 'approval_decision', 'access_assignment', 'import_batch']) {
    const exists = await owner.query(`SELECT to_regclass($1) AS t`, [t]);
    if (exists.rows[0].t) out[t] = (await owner.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n;
  }
  return out;
}

/** A small HTTP client bound to the stack's API and dev IdP. */
export function http(stack: RequestStack) {
  const call = async (method: string, path: string, who: string, body?: unknown) => {
    const res = await fetch(`${stack.api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await stack.auth.authHeader(who)) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  return {
    get: (path: string, who: string) => call('GET', path, who),
    post: (path: string, who: string, body: unknown = {}) => call('POST', path, who, body),
    put: (path: string, who: string, body: unknown) => call('PUT', path, who, body),
    request: (id: string, who = 'adm') => call('GET', `/api/v1/requests/${id}`, who).then((r) => r.body),
    waitStatus: (id: string, status: string, timeoutMs = 30_000) =>
      until(`request ${id} to be ${status}`, async () => {
        const r = await call('GET', `/api/v1/requests/${id}`, 'adm');
        return r.body?.status === status ? r.body : null;
      }, timeoutMs),
    waitStep: (id: string, step: number) =>
      until(`step ${step} of ${id} to open`, async () => {
        const r = await call('GET', `/api/v1/requests/${id}`, 'adm');
        return r.body?.approvals?.find((a: { step: number; status: string }) => a.step === step && a.status === 'pending') ? r.body : null;
      }),
  };
}

/**
 * Starts `calls` while the test holds the ledger's lock, waits until `waiters` database sessions
 * block on a lock, then lets them go: every caller has passed its checks before any commits, so
 * only the database's constraints can separate them. Resolves with the calls' results.
 */
export async function racedAtCommit<T>(owner: PgClient, waiters: number, calls: () => Promise<T>[]): Promise<T[]> {
  await owner.query('BEGIN');
  await owner.query(`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`);
  const pending = Promise.all(calls());
  try {
    await until(`${waiters} sessions to wait on a lock`, async () => {
      const r = await owner.query('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted');
      return r.rows[0].n >= waiters ? true : null;
    }, 10_000);
  } finally {
    await owner.query('COMMIT');
  }
  return pending;
}

/**
 * The stack of the input tests (text-input, input-ambiguity): an admin holding every role a
 * request needs, manager `mgr` of `p1` and `p2`, owner `own` of system `ehr` (entitlement `read`),
 * and role `r1` granting it after the manager's approval.
 */
export async function startInputStack(): Promise<RequestStack> {
  const stack = await startRequestStack();
  await people(stack.db, [
    { key: 'adm', roles: ['admin', 'auditor', 'hr', 'requester'] },
    { key: 'mgr', roles: ['approver'] },
    { key: 'own', roles: ['system_owner'] },
    { key: 'p1', manager: 'mgr' },
    { key: 'p2', manager: 'mgr' },
  ]);
  await seedSystem(stack.owner, 'ehr', ['own'], ['read']);
  await seedRole(stack.owner, 'r1', 'own', [['ehr', 'read']], [{ kind: 'manager' }]);
  return stack;
}
