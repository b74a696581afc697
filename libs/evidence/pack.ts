import { createHash, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkpointSignatureProblem, type Checkpoint, type CheckpointKey } from '../audit/checkpoint';
import { queryAudit, type AuditRow } from '../audit/query';
import { csvLine } from '../csv/csv';
import { changeLines, CHANGES_COLUMNS } from './changes';
import { ledgerRowsInScope, requestsInScope, type IdentityScope, type PackIdentity } from './identity-changes';
import { segmentsFor, type Segment } from './segments';
import { renderSummary, SUMMARY_STYLE, verifyNote } from './summary-html';
import { campaignItems, campaignLedgerRows, type PackCampaign } from './campaign';
import { CAMPAIGN_CHANGES_COLUMNS, campaignChangeRecords, renderCampaignSummary } from './campaign-summary';

/** What building a pack needs from the service: a snapshot, the key, and the checkpoints. */
export interface PackDeps {
  /** A read-only REPEATABLE READ transaction: every file of the pack describes one moment. */
  tx: EntityManager;
  key: CheckpointKey;
  /** Signs and stores a checkpoint of the head as seen by `tx` (null for an empty ledger). */
  checkpointHead(tx: EntityManager): Promise<Checkpoint | null>;
  /** The stored checkpoints (forged ones are left out of the pack, and reported by /audit/verify). */
  storedCheckpoints: (Partial<Checkpoint> | null)[];
}

export interface PackStats {
  files: { name: string; bytes: number; sha256: string }[];
  ledgerRows: number;
  chainRows: number;
  requests: number;
}

/** verify.mjs ships as a source file; from dist/ it is found beside the project root. */
function verifierSource(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'libs', 'evidence', 'verify.mjs');
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
    if (existsSync(join(dir, 'verify.mjs'))) return readFileSync(join(dir, 'verify.mjs'), 'utf8');
    dir = dirname(dir);
  }
  throw new Error('verify.mjs not found next to the evidence library');
}

/** Adds files to a ZIP one after another, keeping each file's SHA-256 for SHA256SUMS. */
class PackWriter {
  readonly zip = new ZipFile();
  readonly files: PackStats['files'] = [];

  /** Every entry carries the pack's own time (ZIP times are local and to 2 s; the exact time is in checkpoint.json). */
  constructor(private readonly at: Date) {}

  addText(name: string, text: string): void {
    const buf = Buffer.from(text, 'utf8');
    this.files.push({ name, bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') });
    this.zip.addBuffer(buf, name, { mtime: this.at });
  }

  /** Streams lines into one entry with back-pressure; the ZIP reads it when its turn comes. */
  async addLines(name: string, lines: AsyncIterable<string>): Promise<void> {
    const stream = new PassThrough();
    const hash = createHash('sha256');
    let bytes = 0;
    this.zip.addReadStream(stream, name, { mtime: this.at });
    for await (const text of lines) {
      const buf = Buffer.from(text, 'utf8');
      hash.update(buf);
      bytes += buf.length;
      if (!stream.write(buf)) await new Promise((r) => stream.once('drain', r));
    }
    stream.end();
    this.files.push({ name, bytes, sha256: hash.digest('hex') });
  }
}

async function* chainLines(tx: EntityManager, segments: Segment[], counter: { rows: number }): AsyncGenerator<string> {
  for (const seg of segments) {
    let after: string | null = seg.afterCheckpoint;
    for (;;) {
      const rows = await queryAudit(tx, {}, { afterSeq: after, upToSeq: seg.throughCheckpoint }, 5000);
      if (rows.length === 0) break;
      counter.rows += rows.length;
      yield `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
      after = rows[rows.length - 1].seq;
    }
  }
}

/** What a pack says about its scope: the rows behind it, its summary and its changes.csv. */
export interface PackContent {
  scope: Record<string, string>;
  rows: AuditRow[];
  summaryHtml: string;
  changesCsv: string;
  /** Requests (identity pack) or items (campaign pack) described. */
  subjects: number;
}

/**
 * Writes an evidence pack to `out` as a ZIP: summary.html, changes.csv, ledger.jsonl, chain.jsonl,
 * checkpoint.json, verify.mjs, SHA256SUMS and its signature SHA256SUMS.sig (docs/evidence-pack.md).
 * `describe` reads the scope in the pack's snapshot, given the head the pack checkpointed.
 */
export async function writePack(deps: PackDeps, describe: (head: Checkpoint | null, generatedAt: Date) => Promise<PackContent>, out: Writable): Promise<PackStats> {
  const { tx, key } = deps;
  const generatedAt = new Date();
  const head = await deps.checkpointHead(tx);
  const content = await describe(head, generatedAt);
  const rows = content.rows;
  const genuine = deps.storedCheckpoints.filter((c): c is Checkpoint => c !== null && checkpointSignatureProblem(key.publicKey, c) === null);
  const bounds = head ? [...genuine.filter((c) => BigInt(c.seq) <= BigInt(head.seq)), head] : [];
  const segments = segmentsFor(rows.map((r) => r.seq), bounds);
  const used = new Set(segments.flatMap((s) => [s.afterCheckpoint, s.throughCheckpoint]));
  const checkpoints = [...new Map(bounds.filter((c) => used.has(c.seq)).map((c) => [c.seq, c])).values()];

  const w = new PackWriter(generatedAt);
  w.zip.outputStream.pipe(out);
  w.addText('summary.html', content.summaryHtml);
  w.addText('changes.csv', content.changesCsv);
  w.addText('ledger.jsonl', rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const counter = { rows: 0 };
  await w.addLines('chain.jsonl', chainLines(tx, segments, counter));
  const checkpointFile = { format: 'jml.evidence-checkpoints/v1', algorithm: 'Ed25519', keyId: key.keyId, publicKeyPem: key.publicKeyPem, scope: content.scope, checkpoints, segments };
  w.addText('checkpoint.json', `${JSON.stringify(checkpointFile, null, 2)}\n`);
  w.addText('verify.mjs', verifierSource());
  const sums = w.files.map((f) => `${f.sha256}  ${f.name}\n`).join('');
  w.addText('SHA256SUMS', sums);
  // The service signs the checksum list, so a changed SHA256SUMS is named as such.
  const signature = sign(null, Buffer.from(`jml.evidence-sums/v1\n${sums}`, 'utf8'), key.privateKey).toString('base64');
  w.addText('SHA256SUMS.sig', `${signature}\n`);
  w.zip.end();
  await finished(out);
  return { files: w.files, ledgerRows: rows.length, chainRows: counter.rows, requests: content.subjects };
}

/** CSV text: a header and records, through the shared formula-safe writer. */
export function csvText(columns: readonly string[], records: unknown[][]): string {
  return [csvLine([...columns]), ...records.map((r) => csvLine(r))].join('\r\n') + '\r\n';
}

/** The evidence pack of one identity over a period: its joiner, mover and leaver requests. */
export async function writeIdentityPack(deps: PackDeps, identity: PackIdentity, scope: IdentityScope, out: Writable): Promise<PackStats> {
  return writePack(deps, async (head, generatedAt) => {
    const requests = await requestsInScope(deps.tx, scope);
    const rows = head ? await ledgerRowsInScope(deps.tx, scope, requests.map((r) => r.id), head.seq) : [];
    const changes = changeLines(identity.key, requests, rows, generatedAt);
    return {
      scope: { identity: identity.key, from: scope.from ?? 'beginning', to: scope.to ?? generatedAt.toISOString() },
      rows,
      summaryHtml: renderSummary({ identity, scope, requests, rows, checkpoint: head, keyId: deps.key.keyId, generatedAt }),
      changesCsv: csvText(CHANGES_COLUMNS, changes.map((c) => CHANGES_COLUMNS.map((k) => c[k]))),
      subjects: requests.length,
    };
  }, out);
}

/** The evidence pack of a certification campaign: access at launch, decisions, remediation, access after. */
export async function writeCampaignPack(deps: PackDeps, campaign: PackCampaign, out: Writable): Promise<PackStats> {
  return writePack(deps, async (head, generatedAt) => {
    const items = await campaignItems(deps.tx, campaign.id);
    const taskIds = items.flatMap((i) => (i.task ? [i.task.id] : []));
    const rows = head ? await campaignLedgerRows(deps.tx, campaign.id, taskIds, head.seq) : [];
    return {
      scope: { campaign: campaign.id, name: campaign.name },
      rows,
      summaryHtml: renderCampaignSummary(campaign, items, rows, SUMMARY_STYLE, verifyNote(deps.key.keyId, head), generatedAt),
      changesCsv: csvText(CAMPAIGN_CHANGES_COLUMNS, campaignChangeRecords(campaign, items, rows)),
      subjects: items.length,
    };
  }, out);
}
