import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestStack } from './requests-fixture';
import { certApi, certificationStack, hold, inHours } from './certification-fixture';
import { extractTo, unzip } from './support/unzip';

/** Issue 14: the evidence pack of a certification campaign, verified offline by its own verify.mjs. */
describe('evidence pack of a certification campaign', () => {
  let stack: RequestStack;
  let api: ReturnType<typeof certApi>;
  const work = mkdtempSync(join(tmpdir(), 'jml-evidence-campaign-'));

  beforeAll(async () => {
    stack = await certificationStack();
    api = certApi(stack);
    await hold(stack, 'alice', 'ehr-user');
    await hold(stack, 'alice', 'lab-admin');
    await hold(stack, 'bob', 'ehr-user');
  });
  afterAll(() => stack?.stop());

  it('tells access at launch, decisions, remediation and access after, and verifies offline', async () => {
    const started = await api.start({ name: 'Q4 ward review', scope: { type: 'manager', key: 'mgr' }, reviewer: 'manager', fallbackReviewer: 'fb', deadlinePolicy: 'keep', dueAt: inHours(1) });
    await api.waitCampaign(started.id, 'active');
    const items = (await api.items(started.id, 'mgr')).body.items as { id: string; identity: string; role: string }[];
    expect(items).toHaveLength(3);
    const lab = items.find((i) => i.role === 'lab-admin')!;
    const decided = await api.decide(started.id, 'mgr', items.map((i) => (i === lab ? { item: i.id, decision: 'revoke', comment: '=no lab work any more' } : { item: i.id, decision: 'certify' })));
    expect(decided.status).toBe(200);
    expect((await api.post(`/api/v1/certifications/${started.id}/sign-off`, 'mgr')).status).toBe(200);
    await api.waitCampaign(started.id, 'remediating');
    // The revoke's task is open and not yet attested when the pack is taken: the pack says so.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const mine = (await api.items(started.id, 'mgr')).body.items as { id: string; taskId?: string | null }[];
      if (mine.find((i) => i.id === lab.id)?.taskId) break;
      if (Date.now() > deadline) throw new Error('the revoke task was never opened');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await fetch(`${stack.api.url}/api/v1/evidence?campaign=nope`, { headers: await stack.auth.authHeader('aud') })).status).toBe(404);
    const res = await fetch(`${stack.api.url}/api/v1/evidence?campaign=${encodeURIComponent(started.id)}`, { headers: await stack.auth.authHeader('aud') });
    expect(res.status).toBe(200);
    const dir = extractTo(await unzip(Buffer.from(await res.arrayBuffer())), join(work, 'pack'));
    const v = spawnSync(process.execPath, ['verify.mjs'], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(v.stdout).toContain('VERDICT: VERIFIED');
    expect(v.status).toBe(0);
    const html = readFileSync(join(dir, 'summary.html'), 'utf8');
    for (const text of ['Access certification: Q4 ward review', 'Access at launch', '3 items', '2 certified, 1 revoked', 'Remediation',
      '1 revoked item; 0 removed and attested', '<td>open</td><td>not yet</td>', 'Access after', '3 of 3 items remain: 2 certified, 0 kept without review, 1 revoked but not yet removed']) {
      expect(html).toContain(text);
    }
    const csv = readFileSync(join(dir, 'changes.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(4);
    expect(csv.find((l) => l.includes('lab-admin'))).toContain(",'=no lab work any more,");
    const ledger = readFileSync(join(dir, 'ledger.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(ledger.filter((r) => r.action === 'certification.decided')).toHaveLength(3);
    expect(ledger.some((r) => r.action === 'certification.remediation_started')).toBe(true);
  });
});
