import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client as PgClient } from 'pg';
import { integrationToken, personTokens } from '../libs/auth/dev-tokens';
import { until } from './support/leaver-fixtures';
import { launcherEnv, launchStack, ownerClient, removeLauncherData, seedQueueLeavers } from './support/launcher';

const run = promisify(execFile);
const dist = (p: string) => join(__dirname, '..', 'dist', p);

/**
 * `npm run backup` of a running embedded default, then `npm run restore` (ADR 158): the restored
 * stack starts, its hash chain verifies, a leaver that was waiting at backup time completes, and
 * /audit/verify names exactly the checkpointed ledger rows written after the backup (never a
 * silent success), with the restore itself in the ledger.
 */
describe('backup and restore of the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jml-backup-'));
  const backupDir = join(mkdtempSync(join(tmpdir(), 'jml-backup-copy-')), 'b1');
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = { ...(await launcherEnv(dataDir)), CHECKPOINT_INTERVAL: '1s', LEAVER_RECONCILE_INTERVAL: '1s' };
  });
  afterAll(() => removeLauncherData(dataDir));

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${env.PORT}${path}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  const issuer = () => `http://localhost:${env.DEV_IDP_PORT}`;
  const head = async (owner: PgClient) => (await owner.query(`SELECT max(seq)::text AS seq FROM audit_event`)).rows[0].seq as string;
  const checkpointedSeq = () =>
    Math.max(0, ...readFileSync(join(dataDir, 'checkpoints', 'checkpoints.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => Number((JSON.parse(l) as { seq: string }).seq)));
  const startLeaver = async (identity: string) => {
    const res = await api('/api/v1/requests/leaver', await integrationToken(issuer(), 'hr-system'), { method: 'POST', body: JSON.stringify({ identity, reason: 'voluntary' }) });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };
  const taskOf = (owner: PgClient, requestId: string) =>
    until(async () => (await owner.query(`SELECT id FROM task WHERE request_id = $1`, [requestId])).rows[0] as { id: string } | undefined, 60_000, 200);

  it('restores a consistent copy; the chain verifies, a waiting leaver completes, and the lost checkpointed rows are named', async () => {
    let stack = launchStack(env);
    await stack.running;
    let owner = await ownerClient(env.EMBEDDED_PG_PORT);
    await seedQueueLeavers(owner, env.EMBEDDED_PG_PORT, 'own-b', 'qbackup', ['L-KEPT', 'L-LOST']);
    const kept = await startLeaver('L-KEPT');
    const keptTask = await taskOf(owner, kept);

    const backup = await run(process.execPath, [dist('libs/devstack/backup.cli.js'), backupDir], { env });
    expect(backup.stdout).toContain(`backup written to ${backupDir}`);
    const headAtBackup = await head(owner);

    // After the backup: another leaver, whose rows a checkpoint then covers.
    const lost = await startLeaver('L-LOST');
    await taskOf(owner, lost);
    const headAfter = await head(owner);
    expect(BigInt(headAfter)).toBeGreaterThan(BigInt(headAtBackup));
    await until(async () => checkpointedSeq() >= Number(headAfter), 30_000, 200);
    await owner.end();
    stack.child.kill('SIGINT');
    expect(await stack.exited).toBe(0);

    const checkpointed = String(checkpointedSeq());
    const restore = await run(process.execPath, [dist('libs/devstack/restore.cli.js'), backupDir], { env });
    expect(restore.stdout).toContain(`rows ${BigInt(headAtBackup) + 1n}..${checkpointed} are not in this backup`);

    stack = launchStack(env);
    await stack.running;
    owner = await ownerClient(env.EMBEDDED_PG_PORT);
    try {
      const admin = (await personTokens(issuer(), 'admin')).accessToken;
      const verify = (await (await api('/api/v1/audit/verify', admin)).json()) as Record<string, any>;
      expect(verify.firstBadRow).toBeNull(); // the hash chain of the restored table verifies
      expect(verify.valid).toBe(false); // ...but a restore that lost checkpointed rows is never a silent success
      expect(verify.checkpoints.missingRows).toEqual([
        { fromSeq: String(BigInt(headAtBackup) + 1n), toSeq: checkpointed, checkpoints: expect.any(Number), lastCheckpointAt: expect.any(String) },
      ]);
      expect(verify.checkpoints.firstBad.reason).toContain(`rows ${BigInt(headAtBackup) + 1n}..${checkpointed}`);
      const restored = (await owner.query(`SELECT seq::text, details FROM audit_event WHERE action = 'ledger.restored'`)).rows;
      expect(restored).toHaveLength(1);
      expect(BigInt(restored[0].seq)).toBe(BigInt(checkpointed) + 1n);
      expect(restored[0].details.lostCheckpointedRows).toEqual({ fromSeq: String(BigInt(headAtBackup) + 1n), toSeq: checkpointed });

      // The leaver that was waiting at backup time continues and completes; the later one is gone.
      expect((await owner.query(`SELECT 1 FROM request WHERE id = $1`, [lost])).rowCount).toBe(0);
      const done = await api(`/api/v1/tasks/${keptTask.id}/complete`, (await personTokens(issuer(), 'own-b')).accessToken, { method: 'POST', body: JSON.stringify({ note: 'closed' }) });
      expect(done.status).toBe(200);
      await until(async () => (await owner.query(`SELECT status FROM request WHERE id = $1`, [kept])).rows[0]?.status === 'completed', 90_000, 250);
    } finally {
      await owner.end();
      stack.child.kill('SIGINT');
      await stack.exited;
    }
  }, 480_000);
});
