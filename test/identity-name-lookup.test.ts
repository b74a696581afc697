import type { MikroORM } from '@mikro-orm/postgresql';
import { Client as PgClient } from 'pg';
import { PERSON_BY_NAMES } from '../apps/api/src/auth/principal.service';
import { identitiesByKeyOrName } from '../libs/catalog/identity-rules';
import { Identity } from '../libs/identity/identity.entity';
import { createOrm, freshDatabase, type TestDatabase } from './support/services';

/**
 * The identity reads by name that run on every request at an organisation's size: index lookups,
 * not a read of every identity. The joiner intake's identity read (libs/catalog/identity-rules.ts) at an organisation's size:
 * index lookups, not a read of every identity. Its ILIKE form scanned the whole table on each
 * joiner POST (4 ms of database CPU at 5,000 people, growing with them).
 */
describe('the joiner intake reads identities by key, username and e-mail', () => {
  let db: TestDatabase;
  let owner: PgClient;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await freshDatabase();
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    await owner.query(`INSERT INTO identity (key, username, email, name) SELECT 'K' || g, 'user' || g, 'User' || g || '@Example.org', 'N' || g FROM generate_series(1, 20000) g`);
    await owner.query('ANALYZE identity');
    orm = await createOrm(db.serviceUrl);
  });
  afterAll(async () => {
    await orm?.close(true);
    await owner?.end();
    await db?.drop();
  });

  it('finds the key, the manager and a clash ignoring case', async () => {
    const found = await orm.em.fork().find(Identity, identitiesByKeyOrName(['K1', 'K2'], 'USER77', 'user88@example.ORG'), { orderBy: { key: 'asc' } });
    expect(found.map((p) => p.key)).toEqual(['K1', 'K2', 'K77', 'K88']);
  });

  it('treats LIKE wildcards in a username as characters', async () => {
    const found = await orm.em.fork().find(Identity, identitiesByKeyOrName([], 'user_', 'user%@example.org'));
    expect(found).toEqual([]);
  });

  it('is planned as index lookups, with no sequential scan of identity', async () => {
    const qb = orm.em.fork().createQueryBuilder(Identity).select('*').where(identitiesByKeyOrName(['K1', 'K2'], 'user77', 'user88@example.org'));
    const plan = (await owner.query(`EXPLAIN ${qb.getFormattedQuery()}`)).rows.map((r) => r['QUERY PLAN'] as string).join('\n');
    expect(plan).not.toMatch(/Seq Scan on identity/);
    expect(plan).toMatch(/identity_username_lower_idx/);
    expect(plan).toMatch(/identity_email_lower_idx/);
  });

  describe('the caller of a token, found by its username or e-mail claims (every API call)', () => {
    const byNames = async (names: string[]) => (await owner.query(PERSON_BY_NAMES.replace('?', '$1'), [JSON.stringify(names)])).rows;

    beforeAll(async () => {
      await owner.query(`INSERT INTO identity (key, username, email, name) VALUES
        ('X', 'bob', 'x@example.org', 'X'), ('Y', 'yves', 'bob@example.org', 'Y'), ('C', 'carol', NULL, 'C'), ('D', 'dave', NULL, 'D')`);
    });

    it('prefers a username match over an e-mail match, then the order of the claims', async () => {
      expect((await byNames(['bob@example.org', 'bob']))[0].key).toBe('X');
      expect((await byNames(['bob@example.org']))[0].key).toBe('Y');
      expect((await byNames(['dave', 'carol']))[0].key).toBe('D');
      expect((await byNames(['user77@example.org']))[0]).toMatchObject({ key: 'K77', username: 'user77', roles: [] });
      expect(await byNames(['nobody'])).toEqual([]);
    });

    it('is planned as index lookups, with no sequential scan of identity', async () => {
      const plan = (await owner.query(`EXPLAIN ${PERSON_BY_NAMES.replace('?', '$1')}`, [JSON.stringify(['user77', 'user77@example.org'])])).rows.map((r) => r['QUERY PLAN'] as string).join('\n');
      expect(plan).not.toMatch(/Seq Scan on identity/);
      expect(plan).toMatch(/identity_username_lower_idx/);
    });
  });
});
