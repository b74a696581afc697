import { type Client } from 'pg';

/** The three systems of the chaos run, one per channel, all owned by `cown`. */
export const CHAOS_SYSTEMS = [
  { key: 'cweb', channel: 'webhook' },
  { key: 'cmail', channel: 'email' },
  { key: 'cq', channel: 'queue' },
] as const;

export interface ChaosSizes {
  joiners: number;
  movers: number;
  leavers: number;
  /** Members of the certified team (one campaign over them; 0: no campaign). */
  campaignItems: number;
}

export const joinerKey = (i: number) => `J${String(i).padStart(4, '0')}`;
export const moverKey = (i: number) => `M${String(i).padStart(4, '0')}`;
export const leaverKey = (i: number) => `L${String(i).padStart(4, '0')}`;
export const teamKey = (i: number) => `C${String(i).padStart(4, '0')}`;

/**
 * The organisation, set-based as the schema owner (set-up, not audited): people who act through
 * the API (cadm admin, creq requester, cmgr manager and approver, cown system owner, ccm the
 * certified team's manager and reviewer), roles chaos-a (user on every system) and chaos-b (power
 * on every system), movers and leavers holding chaos-a, and the team. Index 0 of each kind is
 * the fault-free baseline flow, so each kind gets one more identity than its size.
 */
export async function seedChaos(owner: Client, helpdeskUrl: string, sizes: ChaosSizes): Promise<void> {
  await owner.query(`INSERT INTO identity (key, username, email, name, manager) VALUES
    ('cadm', 'cadm', 'cadm@example.org', 'Chaos Admin', NULL), ('creq', 'creq', 'creq@example.org', 'Chaos Requester', NULL),
    ('cmgr', 'cmgr', 'cmgr@example.org', 'Chaos Manager', NULL), ('cown', 'cown', 'cown@example.org', 'Chaos Owner', NULL),
    ('ccm', 'ccm', 'ccm@example.org', 'Chaos Team Lead', 'cmgr')`);
  await owner.query(`INSERT INTO app_role_assignment (identity_key, role, granted_by) VALUES ('cadm', 'admin', 'chaos'), ('creq', 'requester', 'chaos')`);
  for (const s of CHAOS_SYSTEMS) {
    const target = s.channel === 'webhook' ? helpdeskUrl : s.channel === 'email' ? `${s.key}-owners@example.org` : null;
    await owner.query(`INSERT INTO target_system (key, name, owners, channel, target, deprovision_sla_hours) VALUES ($1, $1, '{cown}', $2, $3, 8)`, [s.key, s.channel, target]);
    await owner.query(`INSERT INTO entitlement (system_key, key, name) VALUES ($1, 'user', 'user'), ($1, 'power', 'power')`, [s.key]);
  }
  for (const [role, ent] of [['chaos-a', 'user'], ['chaos-b', 'power']]) {
    await owner.query(`INSERT INTO role (key, latest_version) VALUES ($1, 1)`, [role]);
    await owner.query(
      `INSERT INTO role_version (role_key, version, name, owner, risk, entitlements, approval_policy, created_by)
       VALUES ($1, 1, $1, 'cown', 'low', $2::jsonb, '{"steps":[{"kind":"manager"}]}', 'chaos')`,
      [role, JSON.stringify(CHAOS_SYSTEMS.map((s) => ({ system: s.key, entitlement: ent })))]);
  }
  const holders: [string, number, string][] = [['M', sizes.movers + 1, 'cmgr'], ['L', sizes.leavers + 1, 'cmgr'], ['C', sizes.campaignItems, 'ccm']];
  for (const [prefix, n, manager] of holders) {
    await owner.query(
      `INSERT INTO identity (key, username, email, name, manager)
       SELECT $1 || lpad(g::text, 4, '0'), lower($1) || g, lower($1) || g || '@example.org', 'Chaos ' || $1 || g, $3
         FROM generate_series(0, $2::int - 1) g`, [prefix, n, manager]);
  }
  const { rows } = await owner.query<{ id: string }>(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES (gen_random_uuid(), 'chaos', 'chaos', '{}') RETURNING id`);
  await owner.query(
    `INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
     SELECT key, 'chaos-a', 1, $1::jsonb, 'imported', $2, now() FROM identity WHERE key ~ '^[MLC][0-9]{4}$'`,
    [JSON.stringify(CHAOS_SYSTEMS.map((s) => ({ system: s.key, entitlement: 'user' }))), rows[0].id]);
}
