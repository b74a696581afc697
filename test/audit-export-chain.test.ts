import { Client as PgClient } from 'pg';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { checkRun, fromCsvRow, GENESIS, parseExportCsv, type ExportedRow } from './support/ledger-rule';
import { freshDatabase, type TestDatabase } from './support/services';

/**
 * Issue 11 items 1-3 over HTTP against a ledger of thousands of rows: chain (numeric) order in
 * paging and export, an export that re-verifies from the file alone, and neutralised CSV cells.
 */
describe('audit export: chain order, offline re-verification, formula-safe CSV', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let pg: PgClient;
  const REQ = 'req-paging';

  const get = async (path: string, user = 'audrey') => {
    const res = await fetch(`${api.url}${path}`, { headers: await auth.authHeader(user) });
    return { status: res.status, text: await res.text() };
  };

  /** Rows written through the ledger's own trigger, in one transaction of the service role. */
  async function appendRows(n: number, requestId: string | null, tag: string) {
    await pg.query('BEGIN');
    await pg.query(
      `INSERT INTO audit_event (actor_type, actor_id, actor_name, action, subject_type, subject_id, request_id,
                                details, idempotency_key, seq, occurred_at, prev_hash, hash)
       SELECT 'identity', 'aud1', 'Ann "A" O''Neil, RN', 'request.created', 'request', $1::text || '-' || g, $2,
              jsonb_build_object('g', g, 'amount', 1.50, 'big', 1e3, 'text', E'é – 😀 "q" \\\\ \\n', 'zeta', 1, 'a', jsonb_build_array(g, null, true)),
              $1::text || ':' || g, 0, now(), '', ''
         FROM generate_series(1, $3::int) AS g`,
      [tag, requestId, n],
    );
    await pg.query('COMMIT');
  }

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    pg = new PgClient({ connectionString: db.serviceUrl });
    await pg.connect();
    await createIdentity(db, { key: 'aud1', username: 'audrey', roles: ['auditor'] });
    await createIdentity(db, { key: 'F1', username: 'formula', name: '=1+2 Test', roles: ['admin'] });
    await appendRows(402, REQ, 'paged');
    await appendRows(4_700, null, 'bulk');
  });

  afterAll(async () => {
    await pg?.end();
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  const ledgerCount = async () => Number((await pg.query('SELECT count(*) AS n FROM audit_event')).rows[0].n);
  const ledgerHead = async () => (await pg.query('SELECT seq::text AS seq, hash FROM audit_event ORDER BY audit_event.seq DESC LIMIT 1')).rows[0];

  it('pages /audit at the default limit over 402 rows of one request: every row once, in chain order', async () => {
    const seqs: number[] = [];
    let cursor: string | null = null;
    do {
      const page = JSON.parse((await get(`/api/v1/audit?requestId=${REQ}${cursor ? `&cursor=${cursor}` : ''}`)).text);
      seqs.push(...page.items.map((r: { seq: string }) => Number(r.seq)));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seqs).toHaveLength(402);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(402);
  });

  it('pages the whole ledger (past 5,000 rows) without losing one', async () => {
    let n = 0;
    let last = 0;
    let cursor: string | null = null;
    do {
      const page = JSON.parse((await get(`/api/v1/audit?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).text);
      for (const r of page.items) {
        expect(Number(r.seq)).toBeGreaterThan(last);
        last = Number(r.seq);
        n++;
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(n).toBe(await ledgerCount());
  });

  it('exports JSON lines that re-verify from the file alone: every hash, every link, the proof names the real head', async () => {
    const res = await get('/api/v1/audit/export');
    expect(res.status).toBe(200);
    const lines = res.text.trim().split('\n').map((l) => JSON.parse(l));
    const proof = lines.pop().proof;
    const rows = lines as (ExportedRow & { details: unknown })[];
    expect(rows.length).toBe(await ledgerCount());
    expect(rows.length).toBeGreaterThan(5_000);
    expect(checkRun(rows, GENESIS)).toBeNull();
    for (const r of rows) expect(r.details).toEqual(JSON.parse(r.detailsText));
    const head = await ledgerHead();
    expect(proof).toMatchObject({ chainHead: head, lastExported: head, rowsExported: rows.length, filtered: false });
    expect(rows[rows.length - 1]).toMatchObject(head);
    // The canonical text is the database's, not JSON.stringify of the parsed object.
    expect(rows[0].detailsText).toContain('"amount": 1.50');
  });

  it('exports CSV that re-verifies from the file alone after mapping neutralised cells back', async () => {
    const res = await get('/api/v1/audit/export?format=csv');
    const { rows, comments } = parseExportCsv(res.text);
    const exported = rows.map(fromCsvRow);
    expect(exported.length).toBe(await ledgerCount());
    expect(checkRun(exported, GENESIS)).toBeNull();
    expect(JSON.parse(comments[0])).toMatchObject({ chainHead: await ledgerHead(), rowsExported: exported.length });
  });

  it('a filtered export names the chain head and its own last row; its rows still hash', async () => {
    const lines = (await get(`/api/v1/audit/export?requestId=${REQ}`)).text.trim().split('\n').map((l) => JSON.parse(l));
    const proof = lines.pop().proof;
    expect(lines).toHaveLength(402);
    for (const r of lines) expect(checkRun([r], r.prevHash)).toBeNull();
    expect(proof).toMatchObject({ chainHead: await ledgerHead(), lastExported: { seq: lines[401].seq }, filtered: true });
  });

  it('an identity named "=1+2 Test" acts: its name is a neutralised cell, and the row still verifies', async () => {
    const created = await fetch(`${api.url}/api/v1/systems`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await auth.authHeader('formula')) },
      body: JSON.stringify({ key: 'lab', name: '@Lab system', owners: ['F1'], channel: 'queue', entitlements: [{ key: 'read', name: '-read' }] }),
    });
    expect(created.status).toBe(201);
    const res = await get('/api/v1/audit/export?format=csv&actor=F1');
    const line = res.text.split('\n')[1];
    expect(line).toContain(",'=1+2 Test,");
    for (const cell of line.split(',')) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const { rows } = parseExportCsv(res.text);
    expect(rows[0].actorName).toBe('=1+2 Test');
    const row = fromCsvRow(rows[0]);
    expect(checkRun([row], row.prevHash)).toBeNull();
  });

  it('catalog CSV export neutralises formula cells, and imports back unchanged', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(await auth.authHeader('formula')) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { csv: Record<string, string>; applied: boolean } };
    };
    const bundle = {
      version: 1,
      systems: [{ key: 'pacs', name: '+Imaging', owners: ['P1'], channel: 'queue', target: null, deprovisionSlaHours: 4, entitlements: [{ key: 'view', name: '=HYPERLINK("x")' }] }],
      roles: [{ key: 'viewer', name: '-Viewer', description: "'=already quoted", owner: 'P1', risk: 'low', entitlements: [{ system: 'pacs', entitlement: 'view' }], approvalPolicy: { steps: [{ kind: 'manager' }] } }],
      sodRules: [],
      identities: [
        { key: 'P1', username: 'p1', name: '=1+2 Test', department: '@Surgery', title: '\tTabbed' },
        { key: 'P2', username: 'p2', name: 'Pat Two', manager: 'P1', department: "'Quoted" },
      ],
      access: [],
    };
    expect((await call('POST', '/api/v1/catalog/import', bundle)).status).toBe(200);
    const { csv } = (await call('GET', '/api/v1/catalog/export?format=csv')).body;
    expect(csv.identities).toContain("'=1+2 Test");
    expect(csv.identities).toContain("'@Surgery");
    expect(csv.systems).toContain("'+Imaging");
    expect(csv.roles).toContain("''=already quoted");
    for (const file of Object.values(csv) as string[]) {
      for (const cell of parseExportCsvRaw(file)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const again = await call('POST', '/api/v1/catalog/import', { csv });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ applied: false, unchanged: true });
  });
});

/** Cells as a spreadsheet reads them (unquoted, not mapped back). */
function parseExportCsvRaw(text: string): string[] {
  const out: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r\n|\n|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) out.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
  return out;
}
