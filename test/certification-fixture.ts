import { http, people, seedRole, seedSystem, startRequestStack, until, type RequestStack } from './requests-fixture';

/** Short timings: reminders, escalation windows and re-reads in seconds. */
export const CERT_TIMING = {
  CERTIFICATION_REMINDERS: '3s',
  CERTIFICATION_ESCALATION_WINDOW: '3s',
  CERTIFICATION_RECONCILE_INTERVAL: '1s',
};

/**
 * A small organisation for campaign tests: boss > mgr > (alice, bob); own owns ehr and lab;
 * ronr owns the roles; fb is the fallback reviewer; orphan has no manager; carl's manager has left.
 */
export async function certificationStack(env: Record<string, string> = {}): Promise<RequestStack> {
  const stack = await startRequestStack({ ...CERT_TIMING, ...env });
  await people(stack.db, [
    { key: 'adm', roles: ['admin'] }, { key: 'aud', roles: ['auditor'] }, { key: 'boss' }, { key: 'mgr', manager: 'boss' },
    { key: 'alice', manager: 'mgr' }, { key: 'bob', manager: 'mgr' }, { key: 'own', manager: 'boss' }, { key: 'ronr', manager: 'boss' },
    { key: 'fb', manager: 'boss' }, { key: 'orphan' }, { key: 'exmgr', status: 'terminated' }, { key: 'carl', manager: 'exmgr' }, { key: 'outsider' },
  ]);
  await seedSystem(stack.owner, 'ehr', ['own'], ['user']);
  await seedSystem(stack.owner, 'lab', ['own'], ['admin']);
  await stack.owner.query(`UPDATE entitlement SET privileged = true WHERE system_key = 'lab'`);
  await seedRole(stack.owner, 'ehr-user', 'ronr', [['ehr', 'user']], [{ kind: 'manager' }]);
  await seedRole(stack.owner, 'lab-admin', 'ronr', [['lab', 'admin']], [{ kind: 'manager' }]);
  return stack;
}

/** An assignment held since `grantedAt` (imported, so flagged never_approved). */
export async function hold(stack: RequestStack, identity: string, role: string, grantedAt = new Date().toISOString()): Promise<void> {
  const { rows } = await stack.owner.query(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES (gen_random_uuid(), 'test', 'test', '{}') RETURNING id`);
  await stack.owner.query(
    `INSERT INTO access_assignment (identity_key, role_key, role_version, entitlements, provenance, import_batch_id, granted_at)
     SELECT $1, role_key, version, entitlements, 'imported', $3, $4 FROM role_version WHERE role_key = $2 AND version = 1`,
    [identity, role, rows[0].id, grantedAt],
  );
}

export function certApi(stack: RequestStack) {
  const h = http(stack);
  const campaign = (id: string, who = 'adm') => h.get(`/api/v1/certifications/${encodeURIComponent(id)}`, who).then((r) => r.body);
  return {
    ...h,
    campaign,
    async start(body: Record<string, unknown>, who = 'adm') {
      const res = await h.post('/api/v1/certifications', who, body);
      if (res.status !== 202) throw new Error(`start answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as { id: string; workflowId: string; status: string };
    },
    waitCampaign: (id: string, status: string, timeoutMs = 30_000) =>
      until(`campaign ${id} to be ${status}`, async () => {
        const c = await campaign(id);
        return c?.status === status ? c : null;
      }, timeoutMs),
    items: (id: string, who: string, query = '') => h.get(`/api/v1/certifications/${encodeURIComponent(id)}/items${query}`, who),
    decide: (id: string, who: string, decisions: unknown[]) => h.post(`/api/v1/certifications/${encodeURIComponent(id)}/decisions`, who, { decisions }),
  };
}

export const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
export const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
