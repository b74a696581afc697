import { Client as PgClient } from 'pg';
import { INVOLVED, OWN_TASKS } from '../apps/api/src/requests/read.service';
import { freshDatabase, type TestDatabase } from './support/services';

/**
 * A non-admin's request and task lists at an organisation's history size (ADR 180): the
 * visibility filter is planned as index lookups and finds exactly the rows it should, where the
 * EXISTS form read every request and task ever made. 20,000 requests, one approval step and one
 * task each, over 20 systems.
 */
describe('a non-admin\'s lists over a long history', () => {
  let db: TestDatabase;
  let owner: PgClient;
  const numbered = (sql: string) => { let i = 0; return sql.replace(/\?/g, () => `$${++i}`); };
  const requestIds = async (me: string) =>
    (await owner.query(numbered(`SELECT r.id FROM request r WHERE ${INVOLVED} ORDER BY r.created_at DESC, r.id DESC`), [me, me, me, me])).rows.map((r) => r.id as string);
  const taskIds = async (me: string) =>
    (await owner.query(numbered(`SELECT t.id FROM task t WHERE ${OWN_TASKS} ORDER BY t.created_at, t.id`), [me, me])).rows.map((r) => r.id as string);
  const plan = async (sql: string, params: string[]) =>
    (await owner.query(`EXPLAIN ${numbered(sql)}`, params)).rows.map((r) => r['QUERY PLAN'] as string).join('\n');

  beforeAll(async () => {
    db = await freshDatabase();
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    await owner.query(`INSERT INTO identity (key, username, email, name) SELECT 'P' || g, 'p' || g, 'p' || g || '@example.org', 'P' || g FROM generate_series(1, 20000) g`);
    await owner.query(`INSERT INTO target_system (key, name, owners, channel) SELECT 'sys' || g, 'sys' || g, ARRAY['own' || g], 'queue' FROM generate_series(0, 19) g`);
    await owner.query(`
      INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id, created_at)
      SELECT md5('r' || g)::uuid, 'joiner', 'completed', 'P' || g, 'identity', 'req' || (g % 50), 'R', 'joiner-' || g, now() - g * interval '1 minute'
        FROM generate_series(1, 20000) g`);
    await owner.query(`
      INSERT INTO approval_step (id, request_id, step, label, approver_kind, eligible_approvers, status)
      SELECT md5('s' || g)::uuid, md5('r' || g)::uuid, 1, 'Manager', 'manager', jsonb_build_array('mgr' || (g % 100)), 'approved' FROM generate_series(1, 20000) g`);
    await owner.query(`
      INSERT INTO task (id, request_id, workflow_id, identity_key, system_key, action, due_at, channel, fallback_attesters)
      SELECT md5('t' || g)::uuid, md5('r' || g)::uuid, 'joiner-' || g, 'P' || g, 'sys' || (g % 20), 'grant', now(), 'queue',
             CASE WHEN g % 1000 = 0 THEN ARRAY['stand-in'] ELSE '{}' END
        FROM generate_series(1, 20000) g`);
    await owner.query('ANALYZE');
  });
  afterAll(async () => {
    await owner?.end();
    await db?.drop();
  });

  it('finds exactly the requests a person is involved in', async () => {
    // requester of g % 50 = 7 (400), approver of g % 100 = 7 (200, all among those), subject P7 (among those too).
    expect(await requestIds('req7')).toHaveLength(400);
    expect(await requestIds('mgr7')).toHaveLength(200);
    expect(await requestIds('P20000')).toHaveLength(1);
    // owner of sys3: the 1,000 requests with a task on it.
    expect(await requestIds('own3')).toHaveLength(1000);
    expect(await requestIds('nobody')).toEqual([]);
  });

  it('finds exactly the tasks a system owner or fallback attester sees', async () => {
    expect(await taskIds('own3')).toHaveLength(1000);
    expect(await taskIds('stand-in')).toHaveLength(20);
    expect(await taskIds('nobody')).toEqual([]);
  });

  it('is planned as index lookups, with no sequential scan of request, approval_step or task', async () => {
    const requests = await plan(`SELECT r.id FROM request r WHERE ${INVOLVED} ORDER BY r.created_at DESC, r.id DESC LIMIT 51`, ['mgr7', 'mgr7', 'mgr7', 'mgr7']);
    expect(requests).not.toMatch(/Seq Scan on (request|approval_step|task)\b/);
    expect(requests).toMatch(/approval_step_eligible_idx/);
    const tasks = await plan(`SELECT t.id FROM task t WHERE ${OWN_TASKS} ORDER BY t.created_at, t.id LIMIT 51`, ['own3', 'own3']);
    expect(tasks).not.toMatch(/Seq Scan on task\b/);
  });
});
