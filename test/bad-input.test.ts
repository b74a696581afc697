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

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    await createIdentity(db, { key: 'adm1', username: 'ada', roles: ['admin', 'hr', 'requester', 'auditor'] });
    owner = new PgClient({ connectionString: db.ownerUrl });
    await owner.connect();
    const doc = (await (await fetch(`${api.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { in: string; name: string }[] }>>;
    };
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
});
