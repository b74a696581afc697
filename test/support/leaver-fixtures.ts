import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';

export interface FixtureSystem {
  key: string;
  channel: 'queue' | 'webhook' | 'email';
  target: string | null;
  slaHours: number;
  owners: string[];
}

/** Catalog rows for leaver tests, written as the schema owner (set-up only, not audited). */
export async function seedSystems(owner: PgClient, systems: FixtureSystem[]): Promise<void> {
  for (const s of systems) {
    await owner.query(
      `INSERT INTO target_system (key, name, owners, channel, target, deprovision_sla_hours) VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.key, `${s.key.toUpperCase()} system`, s.owners, s.channel, s.target, s.slaHours],
    );
    await owner.query(`INSERT INTO entitlement (system_key, key, name, privileged) VALUES ($1, $2, $3, false), ($1, $4, $5, true)`,
      [s.key, `${s.key}.user`, `${s.key} user`, `${s.key}.admin`, `${s.key} admin`]);
  }
}

/** One role over the given systems, and an IMPORTED assignment of it to each identity. */
export async function grantImported(owner: PgClient, roleKey: string, roleOwner: string, systems: string[], identities: string[]): Promise<void> {
  const entitlements = systems.flatMap((s) => [{ system: s, entitlement: `${s}.user` }, { system: s, entitlement: `${s}.admin` }]);
  await owner.query(`INSERT INTO role (key, latest_version) VALUES ($1, 1) ON CONFLICT DO NOTHING`, [roleKey]);
  await owner.query(
    `INSERT INTO role_version (role_key, version, name, owner, risk, entitlements, approval_policy, created_by)
     VALUES ($1, 1, $1, $2, 'low', $3::jsonb, '{"steps":[{"kind":"manager"}]}'::jsonb, 'test') ON CONFLICT DO NOTHING`,
    [roleKey, roleOwner, JSON.stringify(entitlements)],
  );
  const batch = randomUUID();
  await owner.query(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES ($1, 'x', 'test', '{}')`, [batch]);
  for (const who of identities) {
    await owner.query(
      `INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
       VALUES ($1, $2, 1, $3::jsonb, 'imported', $4, now())`,
      [who, roleKey, JSON.stringify(entitlements), batch],
    );
  }
}

export async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
