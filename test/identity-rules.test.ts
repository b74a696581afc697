import { grantImported } from './support/leaver-fixtures';
import { http, people, seedRole, seedSystem, startRequestStack, type RequestStack } from './requests-fixture';

/**
 * Issue 11 items 5, 9 and 10 over real HTTP (API, worker, Temporal, PostgreSQL): an identity's
 * status changes only through the leaver and rehire processes; no write may close a manager
 * cycle; one username and e-mail rule wherever an identity is written, and the export re-imports.
 */
describe('identity write rules', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  type Res = { status: number; body: { message?: string; details?: { path: string; problems: string[]; row?: number; entity?: string }[] } & Record<string, unknown> };

  beforeAll(async () => {
    stack = await startRequestStack();
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', roles: ['admin', 'hr', 'requester', 'auditor'] },
      { key: 'boss', roles: ['approver'] },
      { key: 'mgr', manager: 'boss', roles: ['approver'] },
      { key: 'own', roles: ['system_owner'] },
      { key: 'p1', manager: 'mgr', username: 'mokafor', email: 'mokafor@example.org' },
      { key: 'gone', manager: 'mgr', status: 'terminated' },
      { key: 'ghost', status: 'pending' },
      { key: 'q1', manager: 'ghost' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['own'], ['read']);
    await seedRole(stack.owner, 'r1', 'own', [['ehr', 'read']], [{ kind: 'manager' }]);
    await grantImported(stack.owner, 'r1', 'own', ['ehr'], ['p1']);
  });

  afterAll(() => stack?.stop());

  const call = async (method: string, path: string, body?: unknown): Promise<Res> => {
    const res = await fetch(`${stack.api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await stack.auth.authHeader('adm')) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Res['body'] };
  };
  const row = async (key: string) => (await stack.owner.query(`SELECT status, manager, title FROM identity WHERE key = $1`, [key])).rows[0];
  const requestCount = async () => (await stack.owner.query(`SELECT count(*)::int AS n FROM request`)).rows[0].n as number;
  const paths = (r: Res) => (r.body.details ?? []).map((d) => d.path);
  const personBody = (over: Record<string, unknown> = {}) => ({ username: 'mokafor', email: 'mokafor@example.org', name: 'M Okafor', manager: 'mgr', ...over });
  const joiner = (identity: Record<string, unknown>) =>
    call('POST', '/api/v1/requests/joiner', {
      identity: { key: 'J1', username: 'newbie', email: 'newbie@example.org', name: 'New Bie', department: 'Lab', title: 'Tech', manager: 'mgr', startDate: '2027-01-04', ...identity },
      roles: ['r1'],
      justification: 'new starter',
    });

  describe('status belongs to the leaver and rehire processes (item 5)', () => {
    it('PUT with status terminated is a 409 naming the leaver endpoint; nothing changes', async () => {
      const res = await call('PUT', '/api/v1/identities/p1', personBody({ status: 'terminated' }));
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/POST \/api\/v1\/requests\/leaver/);
      expect(paths(res)).toEqual(['status']);
      expect((await row('p1')).status).toBe('active');
      const access = await call('GET', '/api/v1/identities/p1');
      expect((access.body.access as unknown[]).length).toBeGreaterThan(0);
    });

    it('PUT from terminated to active is a 409 naming the rehire path', async () => {
      const res = await call('PUT', '/api/v1/identities/gone', { username: 'gone', name: 'Gone', status: 'active' });
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/rehire.*POST \/api\/v1\/requests\/joiner/);
      expect((await row('gone')).status).toBe('terminated');
    });

    it('PUT from active to pending is a 409 too; a PUT that keeps or omits the status still updates', async () => {
      expect((await call('PUT', '/api/v1/identities/p1', personBody({ status: 'pending' }))).status).toBe(409);
      expect((await call('PUT', '/api/v1/identities/p1', personBody({ status: 'active', title: 'Nurse' }))).status).toBe(200);
      expect((await call('PUT', '/api/v1/identities/p1', personBody({ title: 'Senior nurse' }))).status).toBe(200);
      expect(await row('p1')).toEqual({ status: 'active', manager: 'mgr', title: 'Senior nurse' });
      expect((await call('PUT', '/api/v1/identities/gone', { username: 'gone', name: 'Gone', title: 'Former' })).status).toBe(200);
    });

    it('an import row that changes a status is refused on that row, and nothing is written', async () => {
      const res = await call('POST', '/api/v1/catalog/import', {
        identities: [
          { key: 'p1', ...personBody({ status: 'terminated' }) },
          { key: 'gone', username: 'gone', name: 'Gone', status: 'active' },
          { key: 'N1', username: 'n1', name: 'New One', status: 'terminated' },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        { entity: 'identities', row: 1, path: 'status', problems: [expect.stringMatching(/requests\/leaver/)] },
        { entity: 'identities', row: 2, path: 'status', problems: [expect.stringMatching(/rehire/)] },
      ]);
      expect((await row('p1')).status).toBe('active');
      expect(await row('N1')).toBeUndefined();
    });
  });

  describe('no write closes a manager cycle (item 9)', () => {
    it('a mover making boss report to their own report is a 400 on changes.manager, nothing started', async () => {
      const before = await requestCount();
      const res = await call('POST', '/api/v1/requests/mover', { identity: 'boss', changes: { manager: 'p1' }, justification: 'reorg' });
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual(['changes.manager']);
      expect(res.body.details![0].problems[0]).toMatch(/cycle.*boss -> p1 -> mgr -> boss/);
      expect(await requestCount()).toBe(before);
    });

    it('the same rule answers PUT and the import', async () => {
      const put = await call('PUT', '/api/v1/identities/boss', { username: 'boss', name: 'Boss', manager: 'p1' });
      expect(put.status).toBe(400);
      expect(paths(put)).toEqual(['manager']);
      const imp = await call('POST', '/api/v1/catalog/import', { identities: [{ key: 'boss', username: 'boss', name: 'Boss', manager: 'p1' }] });
      expect(imp.status).toBe(400);
      expect(imp.body.details).toEqual([{ entity: 'identities', row: 1, path: 'manager', problems: [expect.stringMatching(/boss -> p1 -> mgr -> boss/)] }]);
      expect((await row('boss')).manager).toBeNull();
    });

    it('a joiner for a pending identity whose report would become its manager is a 400 on identity.manager', async () => {
      const res = await joiner({ key: 'ghost', username: 'ghost', email: 'ghost@example.test', manager: 'q1' });
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual(['identity.manager']);
    });

    it('a mover to a manager elsewhere in the tree is still accepted', async () => {
      const res = await call('POST', '/api/v1/requests/mover', { identity: 'p1', changes: { manager: 'boss' }, justification: 'reorg' });
      expect(res.status).toBe(202);
      await api.waitStep(res.body.id as string, 1);
      expect((await call('POST', `/api/v1/requests/${res.body.id as string}/cancel`, { reason: 'test over' })).status).toBe(202);
      await api.waitStatus(res.body.id as string, 'cancelled');
    });
  });

  describe('one username and e-mail rule (item 10)', () => {
    const badUsernames = ['mokafor2 ', ' mokafor2', 'mok\tafor2', 'mok\u200Bafor2', 'ｍokafor2', 'mоkafor2'];
    const badEmails = ['newbie@example.org ', ' newbie@example.org', 'new\u200Bbie@example.org', 'ｎewbie@example.org', 'new\tbie@example.org'];

    it.each(badUsernames)('username %j: refused by the joiner, POST and PUT /identities and the import alike', async (username) => {
      const before = await requestCount();
      const j = await joiner({ username });
      expect(j.status).toBe(400);
      expect(paths(j)).toEqual(['identity.username']);
      expect(await requestCount()).toBe(before);
      const post = await call('POST', '/api/v1/identities', { key: 'N2', username, name: 'N' });
      expect(post.status).toBe(400);
      expect(paths(post)).toEqual(['username']);
      const put = await call('PUT', '/api/v1/identities/p1', personBody({ username }));
      expect(put.status).toBe(400);
      const imp = await call('POST', '/api/v1/catalog/import', { identities: [{ key: 'N2', username, name: 'N' }] });
      expect(imp.status).toBe(400);
      expect(imp.body.details).toEqual([expect.objectContaining({ entity: 'identities', row: 1, path: 'username' })]);
    });

    it.each(badEmails)('e-mail %j: refused by the joiner and POST /identities alike', async (email) => {
      const j = await joiner({ email });
      expect(j.status).toBe(400);
      expect(paths(j)).toEqual(['identity.email']);
      const post = await call('POST', '/api/v1/identities', { key: 'N2', username: 'n2', email, name: 'N' });
      expect(post.status).toBe(400);
      expect(paths(post)).toEqual(['email']);
    });

    it('uniqueness ignores case: a joiner or identity reusing MOKAFOR is a 409 naming the holder', async () => {
      const j = await joiner({ username: 'MOKAFOR' });
      expect(j.status).toBe(409);
      expect(j.body.message).toMatch(/p1/);
      const j2 = await joiner({ email: 'MOKAFOR@Example.org' });
      expect(j2.status).toBe(409);
      expect(j2.body.message).toMatch(/p1/);
      expect((await call('POST', '/api/v1/identities', { key: 'N3', username: 'MoKafor', name: 'N' })).status).toBe(409);
      const imp = await call('POST', '/api/v1/catalog/import', { identities: [{ key: 'N3', username: 'MOKAFOR', name: 'N' }] });
      expect(imp.status).toBe(400);
      expect(imp.body.details).toEqual([expect.objectContaining({ path: 'username', problems: [expect.stringMatching(/identity "p1"/)] })]);
    });

    it('the catalog export re-imports with no problem and no change (JSON and CSV)', async () => {
      const bundle = await call('GET', '/api/v1/catalog/export');
      expect(bundle.status).toBe(200);
      const again = await call('POST', '/api/v1/catalog/import?dryRun=true', bundle.body);
      expect(again.status).toBe(200);
      expect(again.body.counts).toEqual(expect.objectContaining({ identities: { created: 0, updated: 0, unchanged: 8 } }));
      const csv = await call('GET', '/api/v1/catalog/export?format=csv');
      const fromCsv = await call('POST', '/api/v1/catalog/import?dryRun=true', { csv: csv.body.csv });
      expect(fromCsv.body.details ?? []).toEqual([]);
      expect(fromCsv.status).toBe(200);
      expect(fromCsv.body.counts).toEqual(expect.objectContaining({ identities: { created: 0, updated: 0, unchanged: 8 } }));
    });
  });
});
