import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint, checkpointKeyFromPem } from '../libs/audit/checkpoint';
import { CHECKPOINT_FILE } from '../libs/audit/checkpoint-store';
import { CheckpointService } from '../apps/api/src/audit/checkpoint.service';
import { http, people, seedRole, seedSystem, startRequestStack, type RequestStack } from './requests-fixture';
import { startApi } from './support/api';
import { extractTo, unzip } from './support/unzip';

const PACK_FILES = ['SHA256SUMS', 'SHA256SUMS.sig', 'chain.jsonl', 'changes.csv', 'checkpoint.json', 'ledger.jsonl', 'summary.html', 'verify.mjs'];

/** Runs the pack's own verifier in `dir`, as an auditor would: a bare `node verify.mjs`, no service, no packages. */
// Asynchronous on purpose: a synchronous child process would stall this process's event loop, and
// with it the in-process API's keep-alive timers, so the next request could meet a reset socket.
function runNode(args: string[], cwd?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

function verifyPack(dir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return runNode(['verify.mjs', ...args], dir);
}

/** A tampered pack checked with a trusted copy of the verifier (the auditor's, whose checksum they kept). */
function verifyWith(verifier: string, dir: string): Promise<{ code: number; out: string }> {
  return runNode([verifier, dir]);
}

/**
 * Issue 14: the evidence pack of a joiner, a mover and a leaver of one person, verified offline by
 * its own verify.mjs; tampering with any file, deleting a ledger line, or a rewritten database is
 * named by file and row; checkpoints are signed, scheduled, and forged ones refused.
 */
describe('evidence pack and anchored checkpoints', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof http>;
  let checkpoints: CheckpointService;
  let packDir: string;
  const moments: Record<'beforeJoiner' | 'afterJoiner' | 'afterMover' | 'afterLeaver', string> = { beforeJoiner: '', afterJoiner: '', afterMover: '', afterLeaver: '' };
  const work = mkdtempSync(join(tmpdir(), 'jml-evidence-'));

  const decide = (id: string, who: string) => api.post(`/api/v1/requests/${id}/decisions`, who, { decision: 'approve', comment: `${who} approves` });
  const OWNERS: Record<string, string> = { ehr: 'ehrown', pacs: 'pacsown', lab: 'labown' };

  async function carryOut(id: string, phase: 'provisioning' | 'deprovisioning' = 'provisioning'): Promise<void> {
    const prov = await api.waitStatus(id, phase);
    for (const t of prov.tasks) expect((await api.post(`/api/v1/tasks/${t.id}/complete`, OWNERS[t.system], { note: `done ${t.action}`, externalRef: `HD-${t.system}-${t.action}` })).status).toBe(200);
    await api.waitStatus(id, 'completed');
  }

  async function download(query: string, who = 'aud'): Promise<{ status: number; type: string | null; buf: Buffer }> {
    const res = await fetch(`${stack.api.url}/api/v1/evidence?${query}`, { headers: await stack.auth.authHeader(who) });
    return { status: res.status, type: res.headers.get('content-type'), buf: Buffer.from(await res.arrayBuffer()) };
  }

  async function packOf(identity: string, name: string): Promise<string> {
    const res = await download(`identity=${identity}`);
    expect({ status: res.status, body: res.status === 200 ? '' : res.buf.toString() }).toEqual({ status: 200, body: '' });
    return extractTo(await unzip(res.buf), join(work, name));
  }

  beforeAll(async () => {
    stack = await startRequestStack({ CHECKPOINT_INTERVAL: '0s' });
    api = http(stack);
    checkpoints = stack.api.app.get(CheckpointService);
    await people(stack.db, [
      { key: 'adm', roles: ['admin'] },
      { key: 'aud', roles: ['auditor'] },
      { key: 'hr', name: 'Hana HR', roles: ['hr'] },
      { key: 'req', name: 'Rita Requester', roles: ['requester'] },
      { key: 'mgr', name: 'Mona Manager' },
      { key: 'ehrown', name: 'Eli EHR-Owner' },
      { key: 'pacsown', name: 'Pia PACS-Owner' },
      { key: 'labown', name: 'Leo Lab-Owner' },
    ]);
    await seedSystem(stack.owner, 'ehr', ['ehrown'], ['clinician'], 4);
    await seedSystem(stack.owner, 'pacs', ['pacsown'], ['reader']);
    await seedSystem(stack.owner, 'lab', ['labown'], ['results']);
    await seedRole(stack.owner, 'nurse', 'ehrown', [['ehr', 'clinician'], ['pacs', 'reader']], [{ kind: 'manager' }]);
    await seedRole(stack.owner, 'lab-tech', 'labown', [['lab', 'results']], [{ kind: 'manager' }]);

    // A joiner, a checkpoint, a mover, a checkpoint, a leaver: one person's whole story.
    moments.beforeJoiner = new Date().toISOString();
    const joiner = await api.post('/api/v1/requests/joiner', 'req', {
      identity: { key: 'P1', username: 'pjones', email: 'p.jones@example.org', name: 'Pat Jones', department: 'Cardiology', title: 'Nurse', manager: 'mgr', startDate: '2027-01-04' },
      roles: ['nurse'], justification: 'new starter on ward 3',
    });
    expect(joiner.status).toBe(202);
    await api.waitStep(joiner.body.id, 1);
    expect((await decide(joiner.body.id, 'mgr')).status).toBe(201);
    await carryOut(joiner.body.id);
    moments.afterJoiner = new Date().toISOString();
    await checkpoints.take();
    const mover = await api.post('/api/v1/requests/mover', 'req', { identity: 'P1', addRoles: ['lab-tech'], removeRoles: [], justification: 'covers the lab on Fridays' });
    expect(mover.status).toBe(202);
    await api.waitStep(mover.body.id, 1);
    expect((await decide(mover.body.id, 'mgr')).status).toBe(201);
    await carryOut(mover.body.id);
    moments.afterMover = new Date().toISOString();
    await checkpoints.take();
    const leaver = await api.post('/api/v1/requests/leaver', 'hr', { identity: 'P1', reason: 'voluntary', justification: 'resigned' });
    expect(leaver.status).toBe(202);
    await carryOut(leaver.body.id, 'deprovisioning');
    moments.afterLeaver = new Date().toISOString();
    packDir = await packOf('P1', 'pack');
  });

  afterAll(() => stack?.stop());

  it('is one ZIP with its eight files, and its verify.mjs says VERIFIED in a clean directory', async () => {
    expect(readdirSync(packDir).sort()).toEqual(PACK_FILES);
    const verifier = readFileSync(join(packDir, 'verify.mjs'), 'utf8');
    expect(verifier.match(/from '[^']+'/g)?.every((m) => m.startsWith("from 'node:"))).toBe(true);
    const { code, out } = await verifyPack(packDir);
    expect(out).toContain('VERDICT: VERIFIED');
    expect(code).toBe(0);
    expect(out).toMatch(/checkpoint\.json: 3 of 3 checkpoint signatures valid/);
  });

  it('tells each request in plain words: who asked, who approved, tickets, attestation, SLA', () => {
    const html = readFileSync(join(packDir, 'summary.html'), 'utf8');
    expect(html.match(/<section class="request">/g)).toHaveLength(3);
    for (const text of ['Joiner (new access)', 'Mover (change of access)', 'Leaver (removal of access)', 'Rita Requester', 'Hana HR',
      'Approved</strong> by Mona Manager (mgr)', 'HD-lab-grant', 'Eli EHR-Owner (ehrown)', 'Revoke clinician', 'new starter on ward 3', 'Roles: add nurse v1', '<li>Remove lab / results</li>']) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain('[object');
    const csv = readFileSync(join(packDir, 'changes.csv'), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('requestId,kind,requestStatus,identity,system,action,entitlements,requestedBy,requestedAt,approvedBy,taskCreatedAt,dueAt,ticket,ticketDeliveredAt,attestedBy,attestedAt,slaOutcome,ledgerSeqs');
    // joiner: ehr + pacs grants; mover: lab grant; leaver: three revokes.
    expect(csv).toHaveLength(1 + 2 + 1 + 3);
    const ledger = readFileSync(join(packDir, 'ledger.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(ledger.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(r.occurredAt) && typeof r.detailsText === 'string')).toBe(true);
    expect(ledger.filter((r) => r.action === 'task.completed')).toHaveLength(6);
  });

  it('names the file (and the row) when one byte of any file is changed', async () => {
    for (const file of PACK_FILES) {
      const dir = join(work, `byte-${file}`);
      cpSync(packDir, dir, { recursive: true });
      const buf = readFileSync(join(dir, file));
      // The first letter after the middle of the file changes case: one byte, the file stays readable.
      let i = Math.floor(buf.length / 2);
      while (!/[a-zA-Z]/.test(String.fromCharCode(buf[i]))) i++;
      buf[i] ^= 0x20;
      writeFileSync(join(dir, file), buf);
      const { code, out } = await verifyWith(join(packDir, 'verify.mjs'), dir);
      expect({ file, code }).toEqual({ file, code: 1 });
      expect(out).toContain('VERDICT: FAILED');
      expect(out).toContain(`- ${file}`);
      if (file === 'SHA256SUMS') expect(out).toContain('- SHA256SUMS.sig: the service signature does not verify over SHA256SUMS');
    }
    const dir = join(work, 'row');
    cpSync(packDir, dir, { recursive: true });
    const lines = readFileSync(join(dir, 'ledger.jsonl'), 'utf8').split('\n');
    lines[2] = lines[2].replace('"name":"', '"name":"X');
    writeFileSync(join(dir, 'ledger.jsonl'), lines.join('\n'));
    expect((await verifyWith(join(packDir, 'verify.mjs'), dir)).out).toMatch(/ledger\.jsonl line 3 \(seq \d+\): hash does not match the row content/);
    // The readable `details` must say what the hashed `detailsText` says.
    const misleading = readFileSync(join(packDir, 'ledger.jsonl'), 'utf8').split('\n');
    const row = JSON.parse(misleading[0]);
    misleading[0] = JSON.stringify({ ...row, details: { ...row.details, forged: true } });
    writeFileSync(join(dir, 'ledger.jsonl'), misleading.join('\n'));
    expect((await verifyWith(join(packDir, 'verify.mjs'), dir)).out).toMatch(/ledger\.jsonl line 1 \(seq \d+\): hash does not match the row content/);
  });

  it('names the change whose ledger line was deleted', async () => {
    const dir = join(work, 'deleted');
    cpSync(packDir, dir, { recursive: true });
    const lines = readFileSync(join(dir, 'ledger.jsonl'), 'utf8').trim().split('\n');
    const gone = lines.findIndex((l) => JSON.parse(l).action === 'task.completed');
    const seq = JSON.parse(lines[gone]).seq;
    lines.splice(gone, 1);
    writeFileSync(join(dir, 'ledger.jsonl'), `${lines.join('\n')}\n`);
    const { code, out } = await verifyPack(dir);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`changes\\.csv line \\d+: cites ledger row ${seq}, which is not in ledger\\.jsonl`));
    expect(out).toContain('- ledger.jsonl: SHA-256 differs');
  });

  it('refuses forged checkpoints: a pack re-signed with another key, and a forged line in the sink', async () => {
    const key = (await (await fetch(`${stack.api.url}/api/v1/audit/checkpoint-key`)).json()) as { keyId: string; publicKeyPem: string };
    expect(key).toMatchObject({ algorithm: 'Ed25519', keyId: JSON.parse(readFileSync(join(packDir, 'checkpoint.json'), 'utf8')).keyId });
    writeFileSync(join(work, 'service-key.pem'), key.publicKeyPem);

    // A forger rewrites checkpoint.json with a key of their own: it verifies only against itself.
    const forged = checkpointKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const dir = join(work, 'forged');
    cpSync(packDir, dir, { recursive: true });
    const cp = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    cp.publicKeyPem = forged.publicKeyPem;
    cp.checkpoints = cp.checkpoints.map((c: { seq: string; hash: string; at: string }) => signCheckpoint(forged, c, new Date(c.at)));
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(cp));
    const pinned = await verifyPack(dir, '--key', join(work, 'service-key.pem'));
    expect(pinned.code).toBe(1);
    expect(pinned.out).toContain('checkpoint.json: the public key in the pack is not the key given with --key');
    expect(pinned.out).toMatch(/checkpoint\.json checkpoint 1 \(seq \d+, .*\): signature does not verify/);
    expect((await verifyPack(packDir, '--key', join(work, 'service-key.pem'))).code).toBe(0);

    // A forged line appended to the file sink: /audit/verify names it.
    const fake = signCheckpoint(forged, { seq: '1', hash: 'f'.repeat(64) }, new Date());
    const sink = join(stack.auth.config.checkpoints.dir, CHECKPOINT_FILE);
    const before = readFileSync(sink, 'utf8');
    appendFileSync(sink, `${JSON.stringify(fake)}\n`);
    const v = await api.get('/api/v1/audit/verify', 'aud');
    expect(v.body).toMatchObject({ valid: false, firstBadRow: null, checkpoints: { valid: false, firstBad: { line: before.trim().split('\n').length + 1, seq: '1' } } });
    expect(v.body.checkpoints.firstBad.reason).toMatch(/signature does not verify/);
    writeFileSync(sink, before);
    expect((await api.get('/api/v1/audit/verify', 'aud')).body).toMatchObject({ valid: true, checkpoints: { valid: true } });
  });

  it('writes checkpoints on schedule, each signed with the service key, to the file and the HTTP sink', async () => {
    const received: unknown[] = [];
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const dir = join(work, 'scheduled');
    const config = stack.auth.config;
    const httpSinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/checkpoints`;
    const scheduled = await startApi({ ...config, checkpoints: { ...config.checkpoints, interval: '500ms', dir, httpSinkUrl } });
    try {
      await new Promise((r) => setTimeout(r, 1800));
      const service = scheduled.app.get(CheckpointService);
      const stored = await service.stored();
      expect(stored.length).toBeGreaterThanOrEqual(2);
      expect(await service.verifyAll()).toMatchObject({ valid: true, checked: stored.length });
      const head = await stack.owner.query('SELECT seq::text AS seq, hash FROM audit_event ORDER BY audit_event.seq DESC LIMIT 1');
      expect(stored.at(-1)?.checkpoint).toMatchObject(head.rows[0]);
      expect(received.length).toBeGreaterThanOrEqual(stored.length - 1);
      expect(received[0]).toEqual(stored[0].checkpoint);
    } finally {
      await scheduled.close();
      sink.close();
    }
  });

  it('answers who had access at a past moment: before and after the joiner, mover and leaver', async () => {
    const rolesAt = async (moment: string) => {
      const r = await api.get(`/api/v1/reports/access?identity=P1&at=${encodeURIComponent(moment)}`, 'aud');
      expect(r.status).toBe(200);
      expect(r.body.at).toBe(new Date(moment).toISOString());
      return r.body.items.map((i: { role: string }) => i.role);
    };
    expect(await rolesAt(moments.beforeJoiner)).toEqual([]);
    expect(await rolesAt(moments.afterJoiner)).toEqual(['nurse']);
    expect(await rolesAt(moments.afterMover)).toEqual(['lab-tech', 'nurse']);
    expect(await rolesAt(moments.afterLeaver)).toEqual([]);
    const held = (await api.get(`/api/v1/reports/access?identity=P1&at=${encodeURIComponent(moments.afterMover)}`, 'aud')).body.items[0];
    expect(held).toMatchObject({ role: 'lab-tech', provenance: 'request', approvedBy: ['mgr'], revokeReason: 'leaver' });
    expect(Date.parse(held.revokedAt)).toBeGreaterThan(Date.parse(moments.afterMover));
    expect((await api.get('/api/v1/reports/access?at=last-tuesday', 'aud')).status).toBe(400);
  });

  it('refuses bad input with 400 and an unknown identity with 404; auditors and admins only', async () => {
    expect((await download('')).status).toBe(400);
    expect((await download('identity=P1&from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z')).status).toBe(400);
    expect((await download('identity=P1&from=yesterday')).status).toBe(400);
    expect((await download('identity=nobody')).status).toBe(404);
    expect((await download('identity=P1&campaign=c1')).status).toBe(400);
    expect((await download('identity=P1', 'req')).status).toBe(403);
    const ok = await download('identity=P1', 'adm');
    expect(ok.status).toBe(200);
    expect(ok.type).toBe('application/zip');
  });

  it('a database rewritten with recomputed hashes is caught by /audit/verify and by the pack, naming the checkpoint', async () => {
    // A superuser alters one early row, recomputes every later hash and link with the triggers off.
    await stack.owner.query('BEGIN');
    await stack.owner.query('ALTER TABLE audit_event DISABLE TRIGGER USER');
    const { rows } = await stack.owner.query(`SELECT seq FROM audit_event WHERE action = 'approval.approved' ORDER BY seq LIMIT 1`);
    await stack.owner.query(`UPDATE audit_event SET actor_name = 'Someone Else' WHERE seq = $1`, [rows[0].seq]);
    await stack.owner.query(`
      DO $$ DECLARE r record; prev text := repeat('0', 64); h text;
      BEGIN
        FOR r IN SELECT * FROM audit_event ORDER BY seq LOOP
          UPDATE audit_event SET prev_hash = prev WHERE seq = r.seq;
          SELECT encode(sha256(convert_to(audit_event_payload(e), 'UTF8')), 'hex') INTO h FROM audit_event e WHERE e.seq = r.seq;
          UPDATE audit_event SET hash = h WHERE seq = r.seq;
          prev := h;
        END LOOP;
      END $$;`);
    await stack.owner.query('ALTER TABLE audit_event ENABLE TRIGGER USER');
    await stack.owner.query('COMMIT');

    const v = (await api.get('/api/v1/audit/verify', 'aud')).body;
    expect(v.firstBadRow).toBeNull(); // the chain alone looks whole...
    expect(v.valid).toBe(false); // ...but the signed checkpoints do not match it
    expect(v.checkpoints.firstBad).toMatchObject({ line: 1 });
    expect(v.checkpoints.firstBad.reason).toMatch(/the checkpoint signed [0-9a-f]{64}: the table was rewritten after/);

    const dir = await packOf('P1', 'rewritten');
    const { code, out } = await verifyPack(dir);
    expect(code).toBe(1);
    expect(out).toMatch(/chain\.jsonl line \d+ \(seq \d+\): hash differs from the checkpoint signed at .*: the ledger was rewritten after it/);
  });
});
