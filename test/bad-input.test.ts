import fc from 'fast-check';
import { Client as PgClient } from 'pg';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, type TestDatabase } from './support/services';

/**
 * Schema-driven, property-based bad input against every operation of the OpenAPI document:
 * malformed bodies, wrong types, odd path and query values, sent by an admin (so authorisation is
 * not what stops them). Only 4xx may come back (never 5xx, never 2xx for a write), and no table
 * changes: not the system of record, not the ledger.
 */
type Operation = { method: string; path: string; hasBody: boolean; query: string[] };
type Schema = {
  $ref?: string; type?: string; format?: string; enum?: unknown[]; example?: unknown; items?: Schema; minimum?: number;
  properties?: Record<string, Schema>; required?: string[]; allOf?: Schema[]; nullable?: boolean;
};
type OpenApi = {
  paths: Record<string, Record<string, {
    requestBody?: { content?: Record<string, { schema?: Schema }> };
    parameters?: { in: string; name: string }[];
  }>>;
  components: { schemas: Record<string, Schema> };
};

const WRITE = new Set(['post', 'put', 'patch', 'delete']);
// Routes that are not JSON APIs (browser sign-in redirects, the HMAC-authenticated helpdesk callback
// has its own tests) or that legitimately accept any input.
const SKIP = [/^\/auth\//, /^\/metrics/, /^\/health/, /^\/docs/];

describe('bad input against every endpoint', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let owner: PgClient;
  let operations: Operation[];
  let doc: OpenApi;

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    await createIdentity(db, { key: 'adm1', username: 'ada', roles: ['admin', 'hr', 'requester', 'auditor'] });
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    doc = (await (await fetch(`${api.url}/docs-json`)).json()) as OpenApi;
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({
          method,
          path,
          hasBody: Boolean(op.requestBody),
          query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        })),
    ).filter((o) => !SKIP.some((re) => re.test(o.path)));
  });

  afterAll(async () => {
    await owner?.end();
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  /** Row count of every table in the schema: any write shows up here. */
  async function fingerprint(): Promise<Record<string, number>> {
    const { rows } = await owner.query(`SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public' ORDER BY relname`);
    const out: Record<string, number> = {};
    for (const { relname } of rows as { relname: string }[]) {
      if (relname === 'http_session' || relname === 'mikro_orm_migrations') continue;
      out[relname] = (await owner.query(`SELECT count(*)::int AS n FROM "${relname}"`)).rows[0].n;
    }
    return out;
  }

  const junk = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.string({ maxLength: 40 }),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
  );
  const pathValue = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom('..', '%00', "' OR 1=1 --", 'x'.repeat(300), '0', '-1'));

  it('answers only 4xx and changes nothing', async () => {
    expect(operations.length).toBeGreaterThan(5);
    const headers = { ...(await auth.authHeader('ada')), 'content-type': 'application/json' };
    const before = await fingerprint();
    const failures: string[] = [];
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(pathValue, junk, fc.dictionary(fc.constantFrom(...(op.query.length ? op.query : ['x'])), fc.string({ maxLength: 20 })), async (pv, body, query) => {
          const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(pv));
          const qs = new URLSearchParams(query).toString();
          const res = await fetch(`${api.url}${path}${qs ? `?${qs}` : ''}`, {
            method: op.method.toUpperCase(),
            headers,
            body: op.hasBody ? JSON.stringify(body) : undefined,
          });
          const ok = WRITE.has(op.method) ? res.status >= 400 && res.status < 500 : res.status < 500;
          if (!ok) failures.push(`${op.method.toUpperCase()} ${path} ${JSON.stringify(body)?.slice(0, 80)} -> ${res.status}`);
          await res.arrayBuffer();
          return true;
        }),
        { numRuns: 15, seed: 20261126 },
      );
    }
    expect(failures).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  }, 300_000);

  /** The schema behind a `$ref` (or `allOf: [$ref]`), else the schema itself. */
  function deref(schema: Schema): Schema {
    const ref = schema.$ref ?? schema.allOf?.find((x) => x.$ref)?.$ref;
    return ref ? deref(doc.components.schemas[ref.split('/').pop()!]) : schema;
  }

  /** A plausible value for a schema: the example, the first enum value, or a value of its type. */
  function sample(schema: Schema, depth = 0): unknown {
    const s = deref(schema);
    if (s.properties && depth < 8) return Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, sample(v, depth + 1)]));
    if (s.type === 'array' && s.items && deref(s.items).properties) return [sample(s.items, depth + 1)];
    if (s.example !== undefined) return s.example;
    if (s.enum?.length) return s.enum[0];
    if (s.type === 'array') return s.items ? [sample(s.items, depth + 1)] : [];
    if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
    if (s.type === 'boolean') return false;
    if (s.format === 'date-time') return '2027-01-04T09:00:00Z';
    if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
    return 'x';
  }

  /** Paths (dotted, array items as .0) of the required fields, the string leaves and the nested objects of a body. */
  function shape(schema: Schema, prefix = '', depth = 0, out = { required: [] as string[], strings: [] as string[], objects: [] as string[] }) {
    const s = deref(schema);
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      const p = deref(prop);
      if (s.required?.includes(name)) out.required.push(path);
      if (p.properties && depth < 3) {
        out.objects.push(path);
        shape(p, path, depth + 1, out);
      } else if (p.type === 'array' && p.items && depth < 3) {
        const item = deref(p.items);
        if (item.properties) shape(item, `${path}.0`, depth + 1, out);
        else if (item.type === 'string' && !item.enum) out.strings.push(`${path}.0`);
      } else if (p.type === 'string' && !p.enum) out.strings.push(path);
    }
    return out;
  }

  const setAt = (body: unknown, path: string, value: unknown, remove = false) => {
    const copy = structuredClone(body) as Record<string, unknown>;
    const keys = path.split('.');
    let cur = copy as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
    if (typeof cur !== 'object' || cur === null) throw new Error(`no ${path} in ${JSON.stringify(body)}`);
    if (remove) delete cur[keys[keys.length - 1]];
    else cur[keys[keys.length - 1]] = value;
    return copy;
  };

  it('drives every field of the OpenAPI document: a missing required field, a NUL in any text, an array for an object: 400 naming it, nothing written', async () => {
    const headers = { ...(await auth.authHeader('ada')), 'content-type': 'application/json' };
    const before = await fingerprint();
    const wrong: string[] = [];
    let tried = 0;
    const expect400 = async (label: string, method: string, path: string, body: unknown, field: string) => {
      tried++;
      const res = await fetch(`${api.url}${path}`, { method: method.toUpperCase(), headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = (await res.json().catch(() => ({}))) as { details?: { path: string }[] };
      const named = (json.details ?? []).some((d) => d.path === field || d.path.startsWith(`${field}.`));
      if (res.status !== 400 || !named) wrong.push(`${method.toUpperCase()} ${path} ${label} -> ${res.status} ${JSON.stringify(json.details ?? json).slice(0, 160)}`);
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (SKIP.some((re) => re.test(path)) || path.startsWith('/api/v1/tickets/callback')) continue;
      for (const [method, op] of Object.entries(ops)) {
        const params = op.parameters ?? [];
        const concrete = path.replace(/\{[^}]+\}/g, 'x1');
        for (const p of params.filter((x) => x.in === 'path')) {
          await expect400(`path ${p.name}=NUL`, method, path.replace(`{${p.name}}`, encodeURIComponent('a\u0000b')).replace(/\{[^}]+\}/g, 'x1'), undefined, p.name);
        }
        for (const p of params.filter((x) => x.in === 'query')) {
          await expect400(`query ${p.name}=NUL`, method, `${concrete}?${p.name}=${encodeURIComponent('a\u0000b')}`, undefined, p.name);
        }
        const schema = op.requestBody?.content?.['application/json']?.schema;
        if (!schema || !deref(schema).properties) continue;
        const valid = sample(schema);
        const { required, strings, objects } = shape(schema);
        for (const field of required) await expect400(`without ${field}`, method, concrete, setAt(valid, field, undefined, true), field);
        for (const field of strings) await expect400(`${field}=NUL`, method, concrete, setAt(valid, field, 'a\u0000b'), field);
        for (const field of objects) await expect400(`${field}=[]`, method, concrete, setAt(valid, field, []), field);
      }
    }
    expect(tried).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  }, 300_000);
});
