import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

/**
 * The OpenAPI document is a contract (issue 15 section 3, ADR 150): the web app's types are
 * generated from the committed copy, and schemathesis fuzzes against the served one. This file
 * checks the committed copy is what the code generates now, the rules every operation follows,
 * and the HTTP behaviour the document promises beyond single operations (405, public routes).
 */
type Schema = Record<string, unknown> & { $ref?: string; type?: string; properties?: Record<string, Schema>; nullable?: boolean };
type Response = { content?: Record<string, { schema?: Schema }> };
type Parameter = { name: string; in: string; schema?: Schema };
type Operation = { parameters?: Parameter[]; requestBody?: unknown; responses: Record<string, Response>; security?: unknown[] };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const root = join(__dirname, '..');
const COMMITTED = join(root, 'apps/web/src/api/openapi.json');

/** The document as `npm run api:types` writes it, from the compiled code (`npm run build` ran before the tests). */
function generate(): Document {
  const out = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  const run = spawnSync(process.execPath, [join(root, 'dist/scripts/openapi-document.js'), out], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openapi-document failed: ${run.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as Document;
}

const operationsOf = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })));

/** Every property schema in the components, with its owner, for the typing rules. */
const propertiesOf = (doc: Document) =>
  Object.entries(doc.components.schemas).flatMap(([name, s]) => Object.entries(s.properties ?? {}).map(([p, v]) => ({ name: `${name}.${p}`, schema: v })));

describe('the OpenAPI document', () => {
  let doc: Document;

  beforeAll(() => {
    doc = generate();
  });

  it('committed for the web app is the one the code generates now (run `npm run api:types` after changing the API)', () => {
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8')) as Document;
    expect(committed).toEqual(doc);
  });

  it('documents a success response with its content for every operation (204 has none)', () => {
    const missing = operationsOf(doc).filter(({ op }) => {
      const success = Object.entries(op.responses).filter(([code]) => /^2/.test(code));
      return success.length === 0 || success.some(([code, r]) => code !== '204' && !r.content);
    });
    expect(missing.map((m) => m.name)).toEqual([]);
  });

  it('answers every error with the one error body, as JSON', () => {
    const wrong = operationsOf(doc).flatMap(({ name, op }) =>
      Object.entries(op.responses)
        .filter(([code]) => /^[45]/.test(code))
        .filter(([, r]) => Object.keys(r.content ?? {}).join() !== 'application/json' || r.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ErrorBody')
        .map(([code]) => `${name} ${code}`),
    );
    expect(wrong).toEqual([]);
  });

  it('documents 400 wherever input is read, 413 wherever a body is, 401/403 wherever sign-in is needed, and 429 on rate-limited routes', () => {
    const problems = operationsOf(doc).flatMap(({ name, op }) => {
      const codes = new Set(Object.keys(op.responses));
      const out: string[] = [];
      if (((op.parameters ?? []).length > 0 || op.requestBody) && !codes.has('400')) out.push(`${name}: no 400`);
      if (op.requestBody && !codes.has('413')) out.push(`${name}: no 413`);
      if (op.security && !(codes.has('401') && codes.has('403'))) out.push(`${name}: signed-in route without 401/403`);
      if (!op.security && codes.has('401') && !name.endsWith('/tickets/callback')) out.push(`${name}: public route documents 401`);
      if (!name.includes(' /health/') && !codes.has('429')) out.push(`${name}: no 429`);
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('types every nullable scalar (no `string | null` left as an untyped object) and every id and key with its shape', () => {
    const untyped = propertiesOf(doc).filter(({ schema }) => schema.nullable && schema.type === 'object' && !schema.properties && !schema.additionalProperties && !schema.allOf);
    expect(untyped.map((u) => u.name)).toEqual([]);
    const params = operationsOf(doc).flatMap(({ name, op }) =>
      (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => ({ name: `${name} {${p.name}}`, schema: p.schema ?? {} })),
    );
    expect(params.filter((p) => !p.schema.pattern && p.schema.type !== 'integer').map((p) => p.name)).toEqual([]);
  });

  it('states the paging rules: integer `limit` 1..500, and no paging on the unpaged ledger export', () => {
    const limits = operationsOf(doc).flatMap(({ op }) => (op.parameters ?? []).filter((p) => p.name === 'limit'));
    expect(limits.length).toBeGreaterThan(10);
    for (const l of limits) expect(l.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    const exportParams = (doc.paths['/api/v1/audit/export'].get.parameters ?? []).map((p) => p.name);
    expect(exportParams).not.toContain('limit');
    expect(exportParams).not.toContain('cursor');
  });
});

/** One request with any method (fetch refuses TRACE). */
function send(method: string, url: string, token: string): Promise<{ status: number; allow: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP behaviour the document promises', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let token: string;

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    await createIdentity(db, { key: 'adm1', username: 'ada', roles: ['admin'] });
    token = await auth.tokenFor('ada');
  });

  afterAll(async () => {
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  it('answers a documented path asked with an undocumented method with 405, Allow and the error body (was a 404)', async () => {
    for (const [method, path, allow] of [
      ['TRACE', '/api/v1/me', 'GET, HEAD, OPTIONS'],
      ['DELETE', '/api/v1/systems/ehr', 'GET, PUT, HEAD, OPTIONS'],
      ['PATCH', '/health/live', 'GET, HEAD, OPTIONS'],
    ]) {
      const res = await send(method, `${api.url}${path}`, token);
      expect([path, res.status]).toEqual([path, 405]);
      expect(res.allow).toBe(allow);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 405, error: 'Method Not Allowed' });
    }
    const options = await fetch(`${api.url}/api/v1/roles/x/versions/1`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    // A literal path wins over a template it also matches (`/requests/{id}` with id "leaver"): found by schemathesis.
    const leaver = await fetch(`${api.url}/api/v1/requests/leaver`, { method: 'OPTIONS' });
    expect(leaver.headers.get('allow')).toBe('POST, OPTIONS');
    // Paths outside the document keep their own answers.
    expect((await send('TRACE', `${api.url}/api/v1/nothing-here`, token)).status).toBe(404);
  });

  it('creates with 201, as documented (the document said 200)', async () => {
    const res = await fetch(`${api.url}/api/v1/systems`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'contract-sys', name: 'Contract', owners: ['adm1'], channel: 'queue', target: null, deprovisionSlaHours: 8, entitlements: [{ key: 'use', name: 'Use' }] }),
    });
    expect(res.status).toBe(201);
    const served = (await (await fetch(`${api.url}/docs-json`)).json()) as Document;
    const documented = Object.keys(served.paths['/api/v1/systems'].post.responses).filter((c) => c.startsWith('2'));
    expect(documented).toEqual(['201']);
  });

  it('serves the checkpoint key without sign-in, and the document marks it public', async () => {
    expect((await fetch(`${api.url}/api/v1/audit/checkpoint-key`)).status).toBe(200);
    const doc = (await (await fetch(`${api.url}/docs-json`)).json()) as Document;
    expect(doc.paths['/api/v1/audit/checkpoint-key'].get.security).toBeUndefined();
    expect(doc.paths['/api/v1/me'].get.security).toEqual([{ bearer: [] }]);
  });
});
