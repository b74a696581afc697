import { http, rowCounts, startInputStack, type RequestStack } from './requests-fixture';

/**
 * Input that the API read one way and a person (or a proxy, a log) could read another, found by
 * trying the product from outside (ADR 175, ADR 176). Each case was accepted before its fix:
 * - a timestamp without a UTC offset (`2026-12-01T09:00:00`) in a body or a query filter: its
 *   instant depends on the server's time zone (`effectiveAt` of a leaver and `dueAt` of a campaign
 *   already refused it, the other eight timestamp fields did not);
 * - a JSON key given twice in one object (`{"decision":"approve","decision":"reject"}` was
 *   recorded as a rejection), and the keys `__proto__` and `constructor`, dropped without a word.
 * - a required text that is only white space (ADR 177): `"   "` passed `@Length(1, n)` and became
 *   a blank attestation note, justification, rejection comment or catalog name.
 * Every refusal is a 400 naming the field, and nothing is written.
 */
describe('ambiguous input is refused, naming the field', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  type Res = { status: number; body: { details?: { path: string; problems: string[] }[]; status?: string; id?: string } };

  beforeAll(async () => {
    stack = await startInputStack();
    api = http(stack);
  });

  afterAll(() => stack?.stop());

  /** Sends `text` exactly as given (JSON.stringify could never produce a duplicate key). */
  const send = async (method: string, path: string, text?: string, who = 'adm'): Promise<Res> => {
    const res = await fetch(`${stack.api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await stack.auth.authHeader(who)) },
      body: text,
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Res['body'] };
  };

  const NO_OFFSET = '2027-01-04T09:00:00';
  const grant = (grantedAt: string) => JSON.stringify({ access: [{ identity: 'p1', role: 'r1', grantedAt }] });
  const timestampCases: [string, string, string, string | undefined, string][] = [
    ['mover effectiveAt', 'POST', '/api/v1/requests/mover', JSON.stringify({ identity: 'p1', changes: { title: 'Lead' }, justification: 'x', effectiveAt: NO_OFFSET }), 'effectiveAt'],
    ['mover effectiveAt as a bare date', 'POST', '/api/v1/requests/mover', JSON.stringify({ identity: 'p1', changes: { title: 'Lead' }, justification: 'x', effectiveAt: '2027-01-04' }), 'effectiveAt'],
    ['catalog import access grantedAt', 'POST', '/api/v1/catalog/import', grant(NO_OFFSET), 'grantedAt'],
    ['audit from', 'GET', `/api/v1/audit?from=${NO_OFFSET}`, undefined, 'from'],
    ['audit export to', 'GET', `/api/v1/audit/export?to=${NO_OFFSET}`, undefined, 'to'],
    ['access report at', 'GET', `/api/v1/reports/access?at=${NO_OFFSET}`, undefined, 'at'],
    ['manual-effort report from', 'GET', `/api/v1/reports/manual-effort?from=${NO_OFFSET}`, undefined, 'from'],
    ['evidence pack to', 'GET', `/api/v1/evidence?identity=p1&to=${NO_OFFSET}`, undefined, 'to'],
  ];

  it.each(timestampCases)('%s without a UTC offset: 400 naming the field, nothing written', async (_name, method, path, text, field) => {
    const before = await rowCounts(stack.owner);
    const res = await send(method, path, text);
    expect(res.status).toBe(400);
    expect(res.body.details?.find((d) => d.path === field)?.problems).toContainEqual(expect.stringMatching(new RegExp(`^${field} must carry a UTC offset \\(Z or \\+hh:mm\\)`)));
    expect(await rowCounts(stack.owner)).toEqual(before);
  });

  it.each([
    ['/api/v1/audit'], ['/api/v1/audit/export'], ['/api/v1/reports/leaver-sla'], ['/api/v1/reports/manual-effort'], ['/api/v1/evidence?identity=p1'],
  ])('%s with to before (or at) from: 400 naming to, not an empty answer', async (path) => {
    for (const range of ['from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z', 'from=2026-12-01T00:00:00Z&to=2026-12-01T01:00:00%2B01:00']) {
      const res = await send('GET', `${path}${path.includes('?') ? '&' : '?'}${range}`);
      expect({ range, status: res.status, details: res.body.details }).toEqual({ range, status: 400, details: [{ path: 'to', problems: ['to must be after from'] }] });
    }
  });

  it('a query filter takes a bare date as 00:00 UTC of that day, on every filter (a body does not: it schedules)', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const at = await send('GET', '/api/v1/reports/access?at=2026-01-01');
    expect({ status: at.status, at: (at.body as { at?: string }).at }).toEqual({ status: 200, at: '2026-01-01T00:00:00.000Z' });
    // Every row of this file's ledger was written today (UTC): a day filter must cut at 00:00Z.
    const rows = async (q: string) => ((await send('GET', `/api/v1/audit?limit=500&${q}`)).body as unknown as { items: unknown[] }).items.length;
    expect((await send('POST', '/api/v1/requests/leaver', JSON.stringify({ identity: 'p2', reason: 'voluntary', effectiveAt: '2099-01-01T00:00:00Z' }))).status).toBe(202);
    const all = await rows('');
    expect(all).toBeGreaterThan(0);
    expect(await rows(`from=${today}`)).toBe(all);
    expect(await rows(`to=${today}`)).toBe(0);
    expect(await rows(`from=${today}&to=${tomorrow}`)).toBe(all);
    for (const path of ['/api/v1/audit/export?from=2026-01-01&to=2026-01-02', '/api/v1/reports/leaver-sla?from=2026-01-01', '/api/v1/reports/manual-effort?from=2026-01-01', `/api/v1/evidence?identity=p1&from=2026-01-01&to=${tomorrow}`]) {
      expect({ path, status: (await send('GET', path)).status }).toEqual({ path, status: 200 });
    }
    expect((await send('GET', '/api/v1/audit?from=2026-02-30')).status).toBe(400);
  });

  it('access at a moment that has not happened yet is a 400 naming at, not today\'s access under a future date', async () => {
    const future = await send('GET', `/api/v1/reports/access?at=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`);
    expect({ status: future.status, details: future.body.details }).toEqual({ status: 400, details: [{ path: 'at', problems: ['at must not be in the future: access is known up to now'] }] });
    expect((await send('GET', `/api/v1/reports/access?at=${encodeURIComponent(new Date().toISOString())}`)).status).toBe(200);
  });

  it('the same timestamps with an offset are accepted (the cases above fail on the offset alone)', async () => {
    for (const path of ['/api/v1/audit?from=2024-01-04T09:00:00%2B01:00', '/api/v1/reports/access?at=2024-01-04T09:00:00Z', '/api/v1/reports/manual-effort?from=2024-01-04T09:00:00-05:00']) {
      expect({ path, status: (await send('GET', path)).status }).toEqual({ path, status: 200 });
    }
    const imported = await send('POST', '/api/v1/catalog/import?dryRun=true', grant('2024-05-01T09:00:00-05:00'));
    expect({ status: imported.status, details: imported.body.details }).toEqual({ status: 200, details: undefined });
  });

  it('a decision with "decision" given twice is a 400 naming it, and no decision is recorded', async () => {
    const created = await send('POST', '/api/v1/requests/joiner', JSON.stringify({
      identity: { key: 'J1', username: 'j1', email: 'j1@example.org', name: 'Joiner One', department: 'Lab', title: 'Tech', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['r1'], justification: 'new starter',
    }));
    expect(created.status).toBe(202);
    await api.waitStep(created.body.id!, 1);
    const before = await rowCounts(stack.owner);
    const res = await send('POST', `/api/v1/requests/${created.body.id}/decisions`, '{"decision":"approve","comment":"ok","decision":"reject"}', 'mgr');
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ path: 'decision', problems: ['is given more than once in the same object'] }]);
    expect(await rowCounts(stack.owner)).toEqual(before);
    expect((await api.request(created.body.id!)).approvals[0].decisions).toEqual([]);
  });

  it.each([
    ['a key given twice inside a nested object', '{"identity":{"key":"J2","key":"J3"},"roles":["r1"],"justification":"x"}', 'identity.key'],
    ['__proto__', '{"identity":"p2","reason":"voluntary","__proto__":{"admin":true}}', '__proto__'],
    ['constructor', '{"identity":"p2","reason":"voluntary","constructor":{"x":1}}', 'constructor'],
  ])('%s: 400 naming the key, nothing written', async (_name, text, field) => {
    const path = text.includes('"roles"') ? '/api/v1/requests/joiner' : '/api/v1/requests/leaver';
    const before = await rowCounts(stack.owner);
    const res = await send('POST', path, text);
    expect(res.status).toBe(400);
    expect(res.body.details?.map((d) => d.path)).toContain(field);
    expect(await rowCounts(stack.owner)).toEqual(before);
  });

  const BLANK = ' \t\u00a0\n';
  const joiner = (key: string, over: Record<string, unknown> = {}, identity: Record<string, unknown> = {}) => JSON.stringify({
    identity: { key, username: key.toLowerCase(), email: `${key.toLowerCase()}@example.org`, name: 'Joiner', department: 'Lab', title: 'Tech', manager: 'mgr', startDate: '2027-01-04', ...identity },
    roles: ['r1'], justification: 'new starter', ...over,
  });
  const blankCases: [string, string, string, string, string][] = [
    ['joiner justification', 'POST', '/api/v1/requests/joiner', joiner('B1', { justification: BLANK }), 'justification'],
    ['joiner identity.name', 'POST', '/api/v1/requests/joiner', joiner('B2', {}, { name: BLANK }), 'identity.name'],
    ['mover justification', 'POST', '/api/v1/requests/mover', JSON.stringify({ identity: 'p1', changes: { title: 'Lead' }, justification: BLANK }), 'justification'],
    ['mover changes.title', 'POST', '/api/v1/requests/mover', JSON.stringify({ identity: 'p1', changes: { title: BLANK }, justification: 'x' }), 'changes.title'],
    ['identity name', 'POST', '/api/v1/identities', JSON.stringify({ key: 'B3', username: 'b3', name: BLANK }), 'name'],
    ['system name', 'POST', '/api/v1/systems', JSON.stringify({ key: 'blank', name: BLANK, owners: [], channel: 'queue', entitlements: [] }), 'name'],
    ['entitlement name', 'POST', '/api/v1/systems', JSON.stringify({ key: 'blank2', name: 'S', owners: [], channel: 'queue', entitlements: [{ key: 'e', name: '  ' }] }), 'entitlements.0.name'],
    ['campaign name', 'POST', '/api/v1/certifications?dryRun=true', JSON.stringify({ name: BLANK, scope: { type: 'all' }, reviewer: 'manager', fallbackReviewer: 'adm', dueAt: '2099-01-01T00:00:00Z', deadlinePolicy: 'keep' }), 'name'],
  ];

  it.each(blankCases)('%s that is only white space: 400 naming it, nothing written', async (_name, method, path, text, field) => {
    const before = await rowCounts(stack.owner);
    const res = await send(method, path, text);
    expect(res.status).toBe(400);
    expect(res.body.details?.find((d) => d.path === field)?.problems).toContain(`${field.split('.').pop()} must not be blank`);
    expect(await rowCounts(stack.owner)).toEqual(before);
  });

  it('a blank rejection comment and a blank attestation note are refused; an approval may still go without a comment', async () => {
    const created = await send('POST', '/api/v1/requests/joiner', joiner('B9'));
    expect(created.status).toBe(202);
    const id = created.body.id!;
    await api.waitStep(id, 1);
    const reject = await send('POST', `/api/v1/requests/${id}/decisions`, JSON.stringify({ decision: 'reject', comment: BLANK }), 'mgr');
    expect(reject.status).toBe(400);
    expect(reject.body.details).toEqual([{ path: 'comment', problems: ['comment is required to reject and must not be blank'] }]);
    expect((await send('POST', `/api/v1/requests/${id}/decisions`, JSON.stringify({ decision: 'approve', comment: '' }), 'mgr')).status).toBe(201);
    const task = (await api.waitStatus(id, 'provisioning')).tasks[0];
    // The workflow is still delivering the ticket (its own ledger rows), so only the task's attestation is compared.
    const attested = async () => (await stack.owner.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'task.completed'`)).rows[0].n as number;
    const blank = await send('POST', `/api/v1/tasks/${task.id}/complete`, JSON.stringify({ note: BLANK, externalRef: '  ' }), 'own');
    expect(blank.status).toBe(400);
    expect(blank.body.details?.map((d) => d.path).sort()).toEqual(['externalRef', 'note']);
    expect(await attested()).toBe(0);
    expect((await api.get(`/api/v1/tasks/${task.id}`, 'adm')).body.status).toBe('open');
    expect((await send('POST', `/api/v1/tasks/${task.id}/complete`, JSON.stringify({ note: 'account created' }), 'own')).status).toBe(200);
  });

  it.each([
    ['GET', '/api/v1/requests/not-a-uuid'], ['POST', '/api/v1/requests/not-a-uuid/decisions'], ['POST', '/api/v1/requests/1/cancel'],
    ['GET', '/api/v1/tasks/00000000-0000-0000-0000-000000000000'], ['POST', '/api/v1/tasks/x/complete'],
    ['POST', '/api/v1/requests/leaver/x/cancel'], ['POST', '/api/v1/requests/leaver/x/bring-forward'],
  ])('%s %s: a malformed id is a 400 naming id, in the one error shape', async (method, path) => {
    // A valid body, so the id is the only problem (the body is checked first).
    const body = path.endsWith('/decisions') ? '{"decision":"approve","comment":"ok"}' : path.endsWith('/complete') ? '{"note":"done"}' : '{}';
    const res = await send(method, path, method === 'POST' ? body : undefined);
    expect({ status: res.status, details: res.body.details }).toEqual({ status: 400, details: [{ path: 'id', problems: ['id must be a UUID (version 4)'] }] });
  });

  it('the same key in two different objects is not a duplicate', async () => {
    const res = await send('POST', '/api/v1/catalog/import?dryRun=true', '{"identities":[{"key":"A1","username":"a1","name":"A One"},{"key":"A2","username":"a2","name":"A Two"}]}');
    expect(res.status).toBe(200);
  });
});
