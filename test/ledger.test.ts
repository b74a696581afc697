import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { recordAuditEvent, SYSTEM_ACTORS } from '../libs/audit/ledger';
import { verifyLedger } from '../libs/audit/chain';
import { createOrm, freshDatabase, type TestDatabase } from './support/services';

describe('audit ledger', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let owner: PgClient;

  beforeAll(async () => {
    db = await freshDatabase();
    orm = await createOrm(db.serviceUrl);
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
  });

  afterAll(async () => {
    await owner?.end();
    await orm?.close(true);
    await db?.drop();
  });

  const event = (key: string, details: Record<string, unknown> = {}) => ({
    actor: SYSTEM_ACTORS.worker,
    action: 'test.recorded',
    subject: { type: 'test', id: key },
    details,
    idempotencyKey: key,
  });

  async function serviceClient(): Promise<PgClient> {
    const c = new PgClient({ connectionString: db.serviceUrl });
    await c.connect();
    return c;
  }

  it('keeps one valid chain under 20 concurrent transactions of 50 events each', async () => {
    const batch = randomUUID();
    await Promise.all(
      Array.from({ length: 20 }, (_, t) =>
        orm.em.fork().transactional(async (tx) => {
          for (let i = 0; i < 50; i++) {
            const r = await recordAuditEvent(tx, event(`${batch}:${t}:${i}`, { t, i }));
            expect(r.inserted).toBe(true);
          }
        }),
      ),
    );
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM audit_event WHERE idempotency_key LIKE $1`, [`${batch}:%`]);
    expect(rows[0].n).toBe(1000);
    const result = await verifyLedger(orm.em.fork());
    expect(result.firstBadRow).toBeNull();
    expect(result.valid).toBe(true);
    expect(result.rowsChecked).toBeGreaterThanOrEqual(1000);
  });

  it('refuses a duplicate idempotency key without writing a second row', async () => {
    const key = `dup:${randomUUID()}`;
    const first = await orm.em.fork().transactional((tx) => recordAuditEvent(tx, event(key)));
    const second = await orm.em.fork().transactional((tx) => recordAuditEvent(tx, event(key, { again: true })));
    expect(first.inserted).toBe(true);
    expect(second).toEqual({ inserted: false, seq: null });
    const { rows } = await owner.query('SELECT count(*)::int AS n FROM audit_event WHERE idempotency_key = $1', [key]);
    expect(rows[0].n).toBe(1);
  });

  it('rolls back with the transaction of the change it records', async () => {
    const key = `rollback:${randomUUID()}`;
    await expect(
      orm.em.fork().transactional(async (tx) => {
        await recordAuditEvent(tx, event(key));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await owner.query('SELECT count(*)::int AS n FROM audit_event WHERE idempotency_key = $1', [key]);
    expect(rows[0].n).toBe(0);
  });

  it.each([
    ['UPDATE', `UPDATE audit_event SET actor_name = 'mallory'`],
    ['DELETE', 'DELETE FROM audit_event'],
    ['TRUNCATE', 'TRUNCATE audit_event'],
  ])('the trigger refuses %s even for the schema owner', async (op, sql) => {
    await expect(owner.query(sql)).rejects.toThrow(`audit_event is append-only: ${op} refused`);
  });

  it.each([
    ['UPDATE', `UPDATE audit_event SET actor_name = 'mallory'`],
    ['DELETE', 'DELETE FROM audit_event'],
    ['TRUNCATE', 'TRUNCATE audit_event'],
  ])('the service role has no privilege to %s', async (_op, sql) => {
    const c = await serviceClient();
    try {
      await expect(c.query(sql)).rejects.toThrow(/permission denied for table audit_event/);
      // Not even with the trigger out of the way: the service role cannot disable it either.
      await expect(c.query('ALTER TABLE audit_event DISABLE TRIGGER USER')).rejects.toThrow(/must be owner/);
    } finally {
      await c.end();
    }
  });

  it('the service role may insert and read', async () => {
    const c = await serviceClient();
    try {
      const { rows: priv } = await c.query(
        `SELECT has_table_privilege('audit_event', 'INSERT') AS ins, has_table_privilege('audit_event', 'SELECT') AS sel,
                has_table_privilege('audit_event', 'UPDATE') AS upd, has_table_privilege('audit_event', 'DELETE') AS del,
                has_table_privilege('audit_event', 'TRUNCATE') AS trn`,
      );
      expect(priv[0]).toEqual({ ins: true, sel: true, upd: false, del: false, trn: false });
    } finally {
      await c.end();
    }
  });

  it('detects a row altered by a superuser with the trigger disabled, and names it', async () => {
    const key = `victim:${randomUUID()}`;
    await orm.em.fork().transactional((tx) => recordAuditEvent(tx, event(key, { amount: 1 })));
    await orm.em.fork().transactional((tx) => recordAuditEvent(tx, event(`after:${randomUUID()}`)));
    const { rows } = await owner.query('SELECT seq::text AS seq, id FROM audit_event WHERE idempotency_key = $1', [key]);
    expect((await verifyLedger(orm.em.fork())).valid).toBe(true);

    await owner.query('BEGIN');
    await owner.query('ALTER TABLE audit_event DISABLE TRIGGER USER');
    await owner.query(`UPDATE audit_event SET details = '{"amount": 1000}' WHERE idempotency_key = $1`, [key]);
    await owner.query('ALTER TABLE audit_event ENABLE TRIGGER USER');
    await owner.query('COMMIT');

    const result = await verifyLedger(orm.em.fork());
    expect(result.valid).toBe(false);
    expect(result.firstBadRow).toMatchObject({ seq: rows[0].seq, id: rows[0].id });
    expect(result.firstBadRow?.reason).toMatch(/altered/);
  });
});
