import { randomUUID } from 'node:crypto';
import { grantImported } from './support/leaver-fixtures';
import { http, people, seedRole, seedSodRule, seedSystem, startRequestStack, type RequestStack } from './requests-fixture';

/**
 * Issue 11 item 11: every list endpoint pages with `limit` and `cursor`, one maximum limit, and a
 * tampered or foreign cursor is a 400 naming `cursor` (it was a 500 on requests, tasks, approvals
 * and audit). Over real HTTP with the worker and Temporal running.
 */
const LISTS = [
  '/api/v1/requests', '/api/v1/tasks', '/api/v1/approvals', '/api/v1/audit', '/api/v1/identities', '/api/v1/systems',
  '/api/v1/roles', '/api/v1/roles/r1/versions', '/api/v1/sod-rules', '/api/v1/reports/access', '/api/v1/reports/sod',
  '/api/v1/reports/leaver-sla', '/api/v1/certifications', '/api/v1/certification-schedules',
];

describe('paging of every list', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  type Res = { status: number; body: { items: unknown[]; nextCursor: string | null; details?: { path: string; problems: string[] }[] } };
  const get = (path: string, who = 'adm') => api.get(path, who) as Promise<Res>;
  const withQuery = (path: string, q: string) => `${path}${path.includes('?') ? '&' : '?'}${q}`;

  beforeAll(async () => {
    stack = await startRequestStack();
    api = http(stack);
    await people(stack.db, [
      { key: 'adm', roles: ['admin', 'auditor'] },
      { key: 'mgr', roles: ['approver'] },
      { key: 'own', roles: ['system_owner'] },
      { key: 'p1', manager: 'mgr' },
      { key: 'p2', manager: 'mgr' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['own'], ['read', 'write']);
    await seedSystem(stack.owner, 'lab', ['own'], ['read']);
    await seedRole(stack.owner, 'r1', 'own', [['ehr', 'read']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'r2', 'own', [['lab', 'read']], [{ kind: 'manager' }]);
    await seedSodRule(stack.owner, 'sod-a', 'block', ['r1', 'r2']);
    await seedSodRule(stack.owner, 'sod-b', 'block', ['r2', 'r1']);
    await grantImported(stack.owner, 'r1', 'own', ['ehr'], ['p1', 'p2']);
    await grantImported(stack.owner, 'r2', 'own', ['lab'], ['p1', 'p2']);
    // Three role versions, through the API (every PUT is a version).
    for (const name of ['second', 'third']) {
      const body = { name, owner: 'own', risk: 'low', entitlements: [{ system: 'ehr', entitlement: 'read' }], approvalPolicy: { steps: [{ kind: 'manager' }] } };
      const res = await fetch(`${stack.api.url}/api/v1/roles/r1`, { method: 'PUT', headers: { 'content-type': 'application/json', ...(await stack.auth.authHeader('adm')) }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    }
    // Two movers waiting for mgr: two requests and two approvals.
    for (const who of ['p1', 'p2']) {
      const res = await api.post('/api/v1/requests/mover', 'adm', { identity: who, changes: { title: 'Lead' }, justification: 'promotion' });
      expect(res.status).toBe(202);
      await api.waitStep(res.body.id, 1);
    }
  });

  afterAll(() => stack?.stop());

  async function pageAll(path: string, limit: number, who = 'adm'): Promise<unknown[]> {
    const all: unknown[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res: Res = await get(withQuery(path, `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`), who);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return all;
    }
    throw new Error(`${path} never ended`);
  }

  it.each([
    ['/api/v1/requests', 'adm'], ['/api/v1/approvals', 'mgr'], ['/api/v1/audit?action=request.created', 'adm'], ['/api/v1/reports/sod', 'adm'], ['/api/v1/identities', 'adm'], ['/api/v1/systems', 'adm'],
    ['/api/v1/roles', 'adm'], ['/api/v1/roles/r1/versions', 'adm'], ['/api/v1/sod-rules', 'adm'], ['/api/v1/reports/access', 'adm'],
  ])('%s honours limit and cursor: pages of 1 give every item once, in the order of one big page', async (path, who) => {
    const whole = (await get(withQuery(path, 'limit=500'), who)).body.items;
    expect(whole.length).toBeGreaterThanOrEqual(2);
    expect(await pageAll(path, 1, who)).toEqual(whole);
  });

  it('pages role versions: the three versions, oldest first', async () => {
    const versions = (await pageAll('/api/v1/roles/r1/versions', 1)) as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('keeps rows created within the same millisecond (cursors carry microseconds)', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, id] of ids.entries()) {
      await stack.owner.query(
        `INSERT INTO request (id, kind, status, identity_key, requester_type, requester_id, requester_name, workflow_id, created_at)
         VALUES ($1, 'leaver', 'completed', 'p2', 'client', 'hr', 'HR', $2, $3)`,
        [id, `same-ms-${id}`, `2020-01-01T00:00:00.000${i + 1}00Z`],
      );
      await stack.owner.query(
        `INSERT INTO task (id, request_id, workflow_id, identity_key, system_key, action, due_at, channel, status, created_at)
         VALUES ($1, $2, 'wf', 'p2', 'ehr', 'revoke', now(), 'queue', 'done', $3)`,
        [randomUUID(), id, `2020-01-01T00:00:00.000${i + 1}00Z`],
      );
    }
    const requests = (await pageAll('/api/v1/requests?identity=p2&kind=leaver', 1)) as { id: string }[];
    expect(requests.map((r) => r.id)).toEqual([...ids].reverse());
    const tasks = (await pageAll('/api/v1/tasks?status=done', 1)) as { requestId: string }[];
    expect(tasks.map((t) => t.requestId)).toEqual(ids);
  });

  it.each(LISTS)('%s: a malformed, tampered or foreign cursor is a 400 naming cursor', async (path) => {
    const foreign = path === '/api/v1/systems' ? '/api/v1/identities' : '/api/v1/systems';
    const issued = (await get(withQuery(foreign, 'limit=1'))).body.nextCursor!;
    expect(issued).toEqual(expect.any(String));
    const own = ['/api/v1/reports/leaver-sla', '/api/v1/reports/sod', '/api/v1/tasks', '/api/v1/certifications', '/api/v1/certification-schedules'].includes(path) ? null : (await get(withQuery(path, 'limit=1'), path === '/api/v1/approvals' ? 'mgr' : 'adm')).body.nextCursor;
    const bad = ['azpnYXJiYWdl', issued, `${issued.slice(0, -1)}${issued.endsWith('A') ? 'B' : 'A'}`, Buffer.from('k:2026-01-01|x').toString('base64url'), '%00', 'a'.repeat(1001)];
    if (own) bad.push(`${own.slice(0, 4)}${own[4] === 'x' ? 'y' : 'x'}${own.slice(5)}`);
    for (const cursor of bad) {
      const res = await get(withQuery(path, `cursor=${encodeURIComponent(cursor)}`), path === '/api/v1/approvals' ? 'mgr' : 'adm');
      expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
      expect(res.body.details?.map((d) => d.path)).toEqual(['cursor']);
    }
    const foreignRes = await get(withQuery(path, `cursor=${issued}`), path === '/api/v1/approvals' ? 'mgr' : 'adm');
    expect(foreignRes.body.details?.[0].problems.join(' ')).toMatch(/another list/);
  });

  it.each(LISTS)('%s: one maximum limit (500); above it, or not a whole number, is a 400 naming limit', async (path) => {
    const who = path === '/api/v1/approvals' ? 'mgr' : 'adm';
    expect((await get(withQuery(path, 'limit=500'), who)).status).toBe(200);
    const over = await get(withQuery(path, 'limit=501'), who);
    expect(over.status).toBe(400);
    expect(over.body.details).toEqual([{ path: 'limit', problems: [expect.stringContaining('500')] }]);
    for (const limit of ['0', '-1', 'abc', '1.5']) expect((await get(withQuery(path, `limit=${limit}`), who)).status).toBe(400);
  });

  it('a cursor of one role\'s versions is refused on another role\'s', async () => {
    const c = (await get('/api/v1/roles/r1/versions?limit=1')).body.nextCursor!;
    const res = await get(`/api/v1/roles/r2/versions?cursor=${c}`);
    expect(res.status).toBe(400);
    expect(res.body.details?.map((d) => d.path)).toEqual(['cursor']);
  });
});
