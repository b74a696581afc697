import { until } from './support/leaver-fixtures';
import { http, rowCounts, startInputStack, type RequestStack } from './requests-fixture';

/**
 * Issue 11 item 12: a NUL character in a path parameter, a query filter or any JSON string field
 * is a 400 naming the field, before anything is written or started (it was a 500 on 13 operations,
 * and a leaver's justification with NUL was a 202 whose workflow then failed forever). Required
 * fields are required: a joiner without `identity`, or with `identity: []`, is a 400.
 */
describe('text input and required fields', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  const NUL = 'a\u0000b';
  type Res = { status: number; body: { details?: { path: string; problems: string[] }[] } };

  beforeAll(async () => {
    stack = await startInputStack();
    api = http(stack);
  });

  afterAll(() => stack?.stop());

  const counts = () => rowCounts(stack.owner);

  const call = async (method: string, path: string, body?: unknown): Promise<Res> => {
    const res = await fetch(`${stack.api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await stack.auth.authHeader('adm')) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Res['body'] };
  };

  const joinerBody = (over: Record<string, unknown> = {}, identity: Record<string, unknown> = {}) => ({
    identity: { key: 'J1', username: 'j1', email: 'j1@example.org', name: 'Joiner One', department: 'Lab', title: 'Tech', manager: 'mgr', startDate: '2027-01-04', ...identity },
    roles: ['r1'],
    justification: 'new starter',
    ...over,
  });

  const cases: [string, string, string, unknown, string][] = [
    ['joiner justification', 'POST', '/api/v1/requests/joiner', joinerBody({ justification: NUL }), 'justification'],
    ['joiner identity.name', 'POST', '/api/v1/requests/joiner', joinerBody({}, { name: NUL }), 'identity.name'],
    ['joiner identity.department', 'POST', '/api/v1/requests/joiner', joinerBody({}, { department: NUL }), 'identity.department'],
    ['mover justification', 'POST', '/api/v1/requests/mover', { identity: 'p1', changes: { title: 'Lead' }, justification: NUL }, 'justification'],
    ['mover changes.title', 'POST', '/api/v1/requests/mover', { identity: 'p1', changes: { title: NUL }, justification: 'x' }, 'changes.title'],
    ['leaver justification', 'POST', '/api/v1/requests/leaver', { identity: 'p2', reason: 'voluntary', justification: NUL }, 'justification'],
    ['leaver identity', 'POST', '/api/v1/requests/leaver', { identity: NUL, reason: 'voluntary' }, 'identity'],
    ['identity name', 'POST', '/api/v1/identities', { key: 'N1', username: 'n1', name: NUL }, 'name'],
    ['identity PUT title', 'PUT', '/api/v1/identities/p1', { username: 'p1', name: 'P One', title: NUL }, 'title'],
    ['system name', 'POST', '/api/v1/systems', { key: 'sys2', name: NUL, owners: [], channel: 'queue', entitlements: [] }, 'name'],
    ['entitlement name', 'POST', '/api/v1/systems', { key: 'sys3', name: 'S', owners: [], channel: 'queue', entitlements: [{ key: 'e', name: NUL }] }, 'entitlements.0.name'],
    ['role description', 'PUT', '/api/v1/roles/r1', { name: 'R', description: NUL, owner: 'own', risk: 'low', entitlements: [{ system: 'ehr', entitlement: 'read' }], approvalPolicy: { steps: [{ kind: 'manager' }] } }, 'description'],
    ['sod rule name', 'POST', '/api/v1/sod-rules', { key: 'sx', name: NUL, severity: 'high', action: 'block', sets: [{ roles: ['r1'], entitlements: [] }, { roles: ['r1'], entitlements: [] }] }, 'name'],
    ['catalog import', 'POST', '/api/v1/catalog/import', { identities: [{ key: 'I1', username: 'i1', name: NUL }] }, 'identities.0.name'],
    ['a field name', 'POST', '/api/v1/requests/leaver', { identity: 'p2', reason: 'voluntary', [NUL]: 1 }, JSON.stringify(NUL)],
    ['audit actor filter', 'GET', `/api/v1/audit?actor=${encodeURIComponent(NUL)}`, undefined, 'actor'],
    ['identity search', 'GET', `/api/v1/identities?q=${encodeURIComponent(NUL)}`, undefined, 'q'],
    ['identity department filter', 'GET', `/api/v1/identities?department=${encodeURIComponent(NUL)}`, undefined, 'department'],
    ['task system filter', 'GET', `/api/v1/tasks?system=${encodeURIComponent(NUL)}`, undefined, 'system'],
    ['identity key in the path', 'GET', `/api/v1/identities/${encodeURIComponent(NUL)}`, undefined, 'key'],
    ['role key in the path', 'GET', `/api/v1/roles/${encodeURIComponent(NUL)}/versions`, undefined, 'key'],
    ['system key in the path', 'PUT', `/api/v1/systems/${encodeURIComponent(NUL)}`, { name: 'S', owners: [], channel: 'queue', entitlements: [] }, 'key'],
    ['sod rule in the path', 'DELETE', `/api/v1/sod-rules/${encodeURIComponent(NUL)}`, undefined, 'key'],
    ['unpaired surrogate', 'POST', '/api/v1/requests/mover', { identity: 'p1', changes: { title: 'Lead' }, justification: 'x\uD800' }, 'justification'],
  ];

  it.each(cases)('%s: 400 naming the field, nothing written', async (_name, method, path, body, field) => {
    const before = await counts();
    const res = await call(method, path, body);
    expect(res.status).toBe(400);
    expect(res.body.details?.map((d) => d.path)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('a leaver refused for its NUL justification leaves nothing behind: the next leaver for that person starts', async () => {
    expect((await call('POST', '/api/v1/requests/leaver', { identity: 'p2', reason: 'voluntary', justification: NUL })).status).toBe(400);
    const ok = await call('POST', '/api/v1/requests/leaver', { identity: 'p2', reason: 'voluntary', justification: 'moving abroad', effectiveAt: '2099-01-01T00:00:00Z' });
    expect(ok.status).toBe(202);
    const id = (ok.body as unknown as { id: string }).id;
    await until(async () => (await call('GET', `/api/v1/requests/${id}`)).status === 200);
    expect((await call('POST', `/api/v1/requests/leaver/${id}/cancel`, { reason: 'test over' })).status).toBeLessThan(300);
    await until(async () => (await api.request(id)).status === 'cancelled');
  });

  it.each([
    ['without identity', { roles: ['r1'], justification: 'x' }],
    ['with identity: []', { identity: [], roles: ['r1'], justification: 'x' }],
    ['with identity: "J9"', { identity: 'J9', roles: ['r1'], justification: 'x' }],
    ['with identity: null', { identity: null, roles: ['r1'], justification: 'x' }],
  ])('a joiner %s is a 400 naming identity, nothing written', async (_name, body) => {
    const before = await counts();
    const res = await call('POST', '/api/v1/requests/joiner', body);
    expect(res.status).toBe(400);
    expect(res.body.details?.map((d) => d.path)).toContain('identity');
    expect(await counts()).toEqual(before);
  });

  it('a mover with changes: [] is a 400 naming changes', async () => {
    const res = await call('POST', '/api/v1/requests/mover', { identity: 'p1', changes: [], justification: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.details?.map((d) => d.path)).toContain('changes');
  });
});
