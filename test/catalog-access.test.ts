import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { Identity } from '../libs/identity/identity.entity';
import {
  accessBySystem,
  activeSodRules,
  currentAccess,
  findRoleVersions,
  findSystems,
  grantAccess,
  orgChartFor,
  revokeAccess,
  revokeAllAccess,
} from '../libs/catalog';
import { Entitlement, Role, RoleVersion, TargetSystem } from '../libs/catalog/entities';
import { createOrm, freshDatabase, type TestDatabase } from './support/services';

/** The access API the workflows use, against a real database. */
describe('catalog access service', () => {
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
      nurse.manager = 'E1';
      const ehr = new TargetSystem('ehr', 'EHR');
      ehr.owners = ['E1'];
      const pacs = new TargetSystem('pacs', 'PACS');
      tx.persist([boss, nurse, ehr, pacs, new Entitlement('ehr', 'read', 'Read'), new Entitlement('ehr', 'write', 'Write'), new Entitlement('pacs', 'view', 'View')]);
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

  it('grants idempotently, supersedes another version, revokes, and refuses to run outside a transaction', async () => {
    await expect(grantAccess(orm.em.fork(), 'E2', [{ role: 'nurse', version: 1 }], { requestId: requestA, approvedBy: ['E1'] })).rejects.toThrow(/inside the transaction/);
    const grant = () => orm.em.fork().transactional((tx) => grantAccess(tx, 'E2', [{ role: 'nurse', version: 1 }], { requestId: requestA, approvedBy: ['E1'], taskIds: ['t1'] }));
    const first = await grant();
    const retry = await grant();
    expect(retry[0].id).toBe(first[0].id);
    const [v2] = await orm.em.fork().transactional((tx) => grantAccess(tx, 'E2', [{ role: 'nurse', version: 2 }], { requestId: requestB, approvedBy: ['E1'] }));
    expect(v2.id).not.toBe(first[0].id);
    const now = await currentAccess(orm.em.fork(), 'E2');
    expect(now.map((a) => [a.role, a.roleVersion, a.requestId])).toEqual([['nurse', 2, requestB]]);
    expect(await accessBySystem(orm.em.fork(), 'E2')).toEqual([
      { system: 'ehr', entitlements: ['read'], assignmentIds: [v2.id] },
      { system: 'pacs', entitlements: ['view'], assignmentIds: [v2.id] },
    ]);
    const { rows } = await owner.query(`SELECT status, revoked_by_request, revoke_reason FROM access_assignment WHERE id = $1`, [first[0].id]);
    expect(rows[0]).toEqual({ status: 'revoked', revoked_by_request: requestB, revoke_reason: 'superseded' });

    const revoked = await orm.em.fork().transactional((tx) => revokeAccess(tx, 'E2', ['nurse'], { requestId: requestB, reason: 'mover' }));
    expect(revoked).toHaveLength(1);
    expect(await orm.em.fork().transactional((tx) => revokeAllAccess(tx, 'E2', { requestId: null, reason: 'leaver' }))).toEqual([]);
    expect(await currentAccess(orm.em.fork(), 'E2')).toEqual([]);
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
