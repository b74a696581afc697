import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Client as PgClient } from 'pg';
import { createTaskActivities } from '../activities/tasks.activities';
import { openTasks } from '../libs/requests/open-tasks';
import { createIdentity } from './support/auth';
import { createOrm, freshDatabase, testConfig, type TestDatabase } from './support/services';

/**
 * The one task path's activities against a real PostgreSQL, without Temporal (the middle tier):
 * opening, reminding, escalating level by level to the right people, re-reading, and delivering
 * with every attempt audited. The workflows only wire these together.
 */
describe('task path activities', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let owner: PgClient;
  let acts: ReturnType<typeof createTaskActivities>;

  beforeAll(async () => {
    db = await freshDatabase();
    orm = await createOrm(db.serviceUrl);
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    await createIdentity(db, { key: 'boss' });
    await createIdentity(db, { key: 'own', manager: 'boss' });
    await createIdentity(db, { key: 'adm', roles: ['admin'] });
    await createIdentity(db, { key: 'sub', manager: 'boss' });
    await owner.query(`INSERT INTO target_system (key, name, owners, channel, target, deprovision_sla_hours) VALUES
      ('vpn', 'VPN', '{own}', 'queue', NULL, 4), ('crm', 'CRM', '{own}', 'webhook', 'http://127.0.0.1:9/unreachable', 4)`);
    acts = createTaskActivities({ orm, config: testConfig(db) });
  });
  afterAll(async () => {
    await owner?.end();
    await orm?.close(true);
    await db?.drop();
  });

  const ledger = async (taskId: string) =>
    (await owner.query(`SELECT action, details FROM audit_event WHERE subject_id = $1 ORDER BY seq`, [taskId])).rows;

  /** One task of a fresh (closed) request: one task per system and action per request. */
  async function open(system: string) {
    const requestId = randomUUID();
    await owner.query(`INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id)
                       VALUES ($1, 'leaver', 'completed', 'sub', 'identity', 'adm', 'Admin', $2)`, [requestId, `leaver-sub-${requestId}`]);
    const [t] = await orm.em.fork().transactional((tx) =>
      openTasks(tx, { requestId, workflowId: `leaver-sub-${requestId}`, identityKey: 'sub' }, [{ system, action: 'revoke', entitlements: ['user'], channel: system === 'vpn' ? 'queue' : 'webhook', dueAt: new Date().toISOString(), urgent: true }]));
    return t.taskId;
  }

  it('opens a task with its task.created row', async () => {
    const id = await open('vpn');
    expect((await ledger(id)).map((e) => [e.action, e.details.system, e.details.urgent])).toEqual([['task.created', 'vpn', true]]);
    expect(await acts.readTaskStatuses({ taskIds: [id] })).toEqual([{ taskId: id, status: 'open' }]);
  });

  it('escalates level by level to the owners, their managers, then the admins; once per level', async () => {
    const id = await open('vpn');
    await acts.remindTask({ taskId: id });
    for (const level of [1, 2, 3]) expect(await acts.escalateTask({ taskId: id, level })).toBe(true);
    expect(await acts.escalateTask({ taskId: id, level: 2 })).toBe(false);
    const rows = await ledger(id);
    expect(rows.map((e) => e.action)).toEqual(['task.created', 'task.reminded', 'task.escalated', 'task.escalated', 'task.escalated']);
    expect(rows.slice(2).map((e) => [e.details.level, e.details.step, e.details.recipients])).toEqual([
      [1, 'reminder', ['own']], [2, 'owners_manager', ['boss']], [3, 'admins', ['adm']],
    ]);
    expect((await owner.query('SELECT escalation_level FROM task WHERE id = $1', [id])).rows[0].escalation_level).toBe(3);
  });

  it('a closed task is neither reminded nor escalated', async () => {
    const id = await open('vpn');
    await owner.query(`UPDATE task SET status = 'cancelled' WHERE id = $1`, [id]);
    await acts.remindTask({ taskId: id });
    expect(await acts.escalateTask({ taskId: id, level: 1 })).toBe(false);
    expect((await ledger(id)).map((e) => e.action)).toEqual(['task.created']);
    expect(await acts.readTaskStatuses({ taskIds: [id] })).toEqual([{ taskId: id, status: 'cancelled' }]);
  });

  it('delivers once (a retry sends nothing), and audits every failed attempt', async () => {
    const queued = await open('vpn');
    const env = new MockActivityEnvironment({ attempt: 1 });
    expect(await env.run(acts.deliverTaskTicket, { taskId: queued })).toMatchObject({ alreadyDelivered: false, skipped: false });
    expect(await env.run(acts.deliverTaskTicket, { taskId: queued })).toMatchObject({ alreadyDelivered: true });
    expect((await ledger(queued)).filter((e) => e.action === 'ticket.delivered')).toHaveLength(1);

    const webhook = await open('crm');
    for (const attempt of [1, 2]) {
      await expect(new MockActivityEnvironment({ attempt }).run(acts.deliverTaskTicket, { taskId: webhook, webhookTimeoutMs: 2000 })).rejects.toThrow();
    }
    const failed = (await ledger(webhook)).filter((e) => e.action === 'ticket.delivery_failed');
    expect(failed.map((e) => [e.details.attempt, e.details.channel])).toEqual([[1, 'webhook'], [2, 'webhook']]);
    expect((await owner.query('SELECT delivery_attempts, delivered_at FROM task WHERE id = $1', [webhook])).rows[0]).toEqual({ delivery_attempts: 2, delivered_at: null });
  });
});
