import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { Identity } from '../libs/identity/identity.entity';
import { currentAccess, grantAccess, importAccess, revokeAccess, type AccessChange } from '../libs/access/access-writer';
import { activeSodRules, findRoleVersions, findSystems, orgChartFor } from '../libs/catalog';
import { Entitlement, Role, RoleVersion, TargetSystem } from '../libs/catalog/entities';
import { createOrm, freshDatabase, type TestDatabase } from './support/services';

/**
 * The one writer of access_assignment and the catalog lookups, against a real PostgreSQL without
 * Temporal (the middle tier): every grant and revoke lands with its ledger row, exactly once.
 */
describe('access writer', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let owner: PgClient;
  const requestA = randomUUID();
  const requestB = randomUUID();

  beforeAll(async () => {
    db = await freshDatabase();
    orm = await createOrm(db.serviceUrl);
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    await orm.em.fork().transactional(async (tx) => {
      const boss = new Identity('E1', 'boss', 'Boss');
      const nurse = new Identity('E2', 'nurse', 'Nurse');
      const owner2 = new Identity('E3', 'pacsowner', 'PACS Owner');
      nurse.manager = 'E1';
      const ehr = new TargetSystem('ehr', 'EHR');
      ehr.owners = ['E1'];
      const pacs = new TargetSystem('pacs', 'PACS');
      tx.persist([boss, nurse, owner2, ehr, pacs, new Entitlement('ehr', 'read', 'Read'), new Entitlement('ehr', 'write', 'Write'), new Entitlement('pacs', 'view', 'View')]);
      tx.persist(new Role('nurse', 2));
      const v1 = new RoleVersion('nurse', 1, 'Nurse', 'E1', 'test');
      v1.entitlements = [{ system: 'ehr', entitlement: 'read' }];
      v1.approvalPolicy = { steps: [{ kind: 'manager' }] };
      const v2 = new RoleVersion('nurse', 2, 'Nurse', 'E1', 'test');
      v2.entitlements = [{ system: 'ehr', entitlement: 'read' }, { system: 'pacs', entitlement: 'view' }];
      v2.approvalPolicy = { steps: [{ kind: 'manager' }, { kind: 'system_owner' }] };
      tx.persist([v1, v2]);
    });
    // Requests are issue 5's table; the assignment's request id is a foreign key to it. Closed
    // requests: one person has at most one open joiner or mover.
    for (const id of [requestA, requestB]) {
      await owner.query(
        `INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id)
         VALUES ($1, 'joiner', 'completed', 'E2', 'identity', 'E1', 'Boss', $2)`,
        [id, `joiner-${id}`],
      );
    }
  });

  afterAll(async () => {
    await owner?.end();
    await orm?.close(true);
    await db?.drop();
  });

  it('role versions and systems come back as plain JSON', async () => {
    const em = orm.em.fork();
    const [latest] = await findRoleVersions(em, [{ role: 'nurse' }]);
    expect(latest).toMatchObject({ key: 'nurse', version: 2, latestVersion: 2 });
    expect((await findRoleVersions(em, [{ role: 'nurse', version: 1 }, { role: 'nope' }])).map((r) => r.version)).toEqual([1]);
    const systems = await findSystems(em, ['ehr', 'pacs', 'x']);
    expect(systems.map((s) => [s.key, s.entitlements.length])).toEqual([['ehr', 2], ['pacs', 1]]);
    expect(await activeSodRules(em)).toEqual([]);
    expect((await orgChartFor(em, ['E2'])).map((p) => p.key)).toEqual(['E1', 'E2']);
  });

  const actor = { type: 'system' as const, id: 'system:worker', name: 'worker' };
  const change = (requestId: string | null, key: string, over: Partial<AccessChange> = {}): AccessChange => ({
    actor, requestId, workflowId: requestId ? `joiner-${requestId}` : null, approvedBy: ['E1'], reason: 'joiner',
    tasks: [{ taskId: 't-ehr', system: 'ehr', attestedBy: 'E1' }, { taskId: 't-pacs', system: 'pacs', attestedBy: 'E3' }],
    idempotencyKey: key, ...over,
  });
  const ledger = async (key: string) =>
    (await owner.query(`SELECT action, subject_type, subject_id, request_id, campaign_id, details FROM audit_event WHERE idempotency_key = $1`, [key])).rows;

  it('grants idempotently with one access.granted row naming request, approvers, attesting owners and tasks', async () => {
    await expect(grantAccess(orm.em.fork(), 'E2', [{ role: 'nurse', version: 1 }], change(requestA, 'g1'))).rejects.toThrow(/inside the transaction/);
    const grant = () => orm.em.fork().transactional((tx) => grantAccess(tx, 'E2', [{ role: 'nurse', version: 1 }], change(requestA, 'g1')));
    const first = await grant();
    const retry = await grant();
    expect(retry[0].id).toBe(first[0].id);
    expect(first[0]).toMatchObject({ requestId: requestA, approvedBy: ['E1'], taskIds: ['t-ehr'] });
    const rows = await ledger('g1');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'access.granted', subject_type: 'identity', subject_id: 'E2', request_id: requestA });
    expect(rows[0].details).toMatchObject({
      identity: 'E2', reason: 'joiner', approvedBy: ['E1'], attestedBy: ['E1', 'E3'],
      assignments: [{ id: first[0].id, role: 'nurse', roleVersion: 1 }], tasks: [expect.objectContaining({ taskId: 't-ehr', attestedBy: 'E1' }), expect.anything()],
    });
  });

  it('a grant of another version supersedes the active one, named in the ledger row', async () => {
    const [v1] = await currentAccess(orm.em.fork(), 'E2');
    const [v2] = await orm.em.fork().transactional((tx) => grantAccess(tx, 'E2', [{ role: 'nurse', version: 2 }], change(requestB, 'g2')));
    expect(v2.id).not.toBe(v1.id);
    expect((await currentAccess(orm.em.fork(), 'E2')).map((a) => [a.role, a.roleVersion, a.requestId, a.taskIds])).toEqual([['nurse', 2, requestB, ['t-ehr', 't-pacs']]]);
    const { rows } = await owner.query(`SELECT status, revoked_by_request, revoke_reason FROM access_assignment WHERE id = $1`, [v1.id]);
    expect(rows[0]).toEqual({ status: 'revoked', revoked_by_request: requestB, revoke_reason: 'superseded' });
    expect((await ledger('g2'))[0].details.superseded).toEqual([v1.id]);
  });

  it('revokes by role, by assignment or all, with one access.revoked row each; a retry writes nothing', async () => {
    const revoke = (key: string, target: Parameters<typeof revokeAccess>[2], over: Partial<AccessChange> = {}) =>
      orm.em.fork().transactional((tx) => revokeAccess(tx, 'E2', target, change(requestB, key, { reason: 'leaver', approvedBy: [], ...over })));
    expect(await revoke('r0', { roles: ['nope'] })).toEqual([]);
    expect(await ledger('r0')).toEqual([]);
    const [active] = await currentAccess(orm.em.fork(), 'E2');
    const revoked = await revoke('r1', { assignmentIds: [active.id] }, { requestId: null, campaignId: 'campaign-1', reason: 'certification', approvedBy: ['E1'] });
    expect(revoked.map((a) => [a.id, a.status])).toEqual([[active.id, 'revoked']]);
    const [row] = await ledger('r1');
    expect(row).toMatchObject({ action: 'access.revoked', subject_id: 'E2', request_id: null, campaign_id: 'campaign-1' });
    expect(row.details).toMatchObject({ reason: 'certification', approvedBy: ['E1'], attestedBy: ['E1', 'E3'], assignments: [{ id: active.id, role: 'nurse' }] });
    expect(await revoke('r1', { assignmentIds: [active.id] })).toEqual([]);
    expect(await revoke('r2', { all: true })).toEqual([]);
    expect(await currentAccess(orm.em.fork(), 'E2')).toEqual([]);
    expect(await ledger('r2')).toEqual([]);
  });

  it('imports set-based with one access.granted row for the batch', async () => {
    const batch = randomUUID();
    await owner.query(`INSERT INTO import_batch (id, digest, actor_id, counts) VALUES ($1, 'd', 'E1', '{}')`, [batch]);
    const n = await orm.em.fork().transactional((tx) => importAccess(tx, [{ identity: 'E1', role: 'nurse', version: 1, grantedAt: '2025-01-01T00:00:00Z' }], batch, actor));
    expect(n).toBe(1);
    expect((await currentAccess(orm.em.fork(), 'E1')).map((a) => [a.provenance, a.grantedAt])).toEqual([['imported', '2025-01-01T00:00:00.000Z']]);
    const [row] = await ledger(`access:import:${batch}`);
    expect(row).toMatchObject({ action: 'access.granted', subject_type: 'import_batch', subject_id: batch });
    expect(row.details).toMatchObject({ provenance: 'imported', assignments: 1, identities: 1 });
  });

  it('a role version can never be changed or deleted', async () => {
    await expect(owner.query(`UPDATE role_version SET name = 'x'`)).rejects.toThrow(/role_version is immutable/);
    const svc = new PgClient({ connectionString: db.serviceUrl });
    await svc.connect();
    try {
      await expect(svc.query(`DELETE FROM role_version`)).rejects.toThrow(/permission denied/);
    } finally {
      await svc.end();
    }
  });
});
