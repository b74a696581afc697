#!/usr/bin/env node
// Verifies a JML governance evidence pack offline, with Node.js alone (no packages, no network).
//
//   node verify.mjs [pack-directory] [--key checkpoint-key.pem]
//
// It checks, and names the file and row of anything that does not hold:
//   1. checkpoint.json: every checkpoint's Ed25519 signature, under the public key in the pack
//      (or under --key, the key you obtained from GET /api/v1/audit/checkpoint-key or your records);
//   2. chain.jsonl: every row's hash (the rule of docs/audit-ledger.md, repeated below), every link,
//      and that each segment runs without a gap from one signed checkpoint to the next;
//   3. ledger.jsonl: every row hashes and is the same row as in the checkpointed chain;
//   4. changes.csv: every ledger row a change cites is in ledger.jsonl;
//   5. SHA256SUMS: every file of the pack, no file missing or added, and the service's signature
//      over SHA256SUMS (SHA256SUMS.sig, Ed25519 over "jml.evidence-sums/v1\n" + SHA256SUMS).
// Exit code 0 and "VERDICT: VERIFIED" when all holds; 1 and "VERDICT: FAILED" with the reasons otherwise.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const args = process.argv.slice(2);
let pinnedKeyFile = null;
let dir = process.cwd();
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--key') pinnedKeyFile = args[++i];
  else dir = args[i];
}
const GENESIS = '0'.repeat(64);
const problems = [];
const report = [];
const fail = (where, reason) => problems.push(where + ': ' + reason);
const read = (name) => readFileSync(join(dir, name), 'utf8');
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

// The hash rule: each field as "<UTF-8 byte length>:<value>", joined by "|", then SHA-256 (hex).
// Null request, campaign and workflow ids count as empty strings; detailsText is hashed as written.
function rowHash(r) {
  const fields = [
    r.seq, r.occurredAt, r.actor.type, r.actor.id, r.actor.name, r.action, r.subject.type, r.subject.id,
    r.requestId ?? '', r.campaignId ?? '', r.workflowId ?? '', r.idempotencyKey, r.detailsText, r.prevHash,
  ];
  return sha256(fields.map((f) => Buffer.byteLength(f, 'utf8') + ':' + f).join('|'));
}

// A row missing a field cannot hash: it is reported like any other altered row, never a crash.
// `details` (for reading) must be exactly the hashed `detailsText`, parsed.
function hashMatches(r) {
  try {
    return rowHash(r) === r.hash && (r.details === undefined || isDeepStrictEqual(r.details, JSON.parse(r.detailsText)));
  } catch {
    return false;
  }
}

function jsonLines(name) {
  return read(name).split('\n').map((text, i) => ({ line: i + 1, text })).filter((l) => l.text.trim() !== '').map((l) => {
    try {
      return { line: l.line, row: JSON.parse(l.text) };
    } catch {
      fail(name + ' line ' + l.line, 'not valid JSON');
      return null;
    }
  }).filter(Boolean);
}

// Each step reports a file it cannot read or parse as a failure of that file, and the next step runs.
function step(file, check) {
  try {
    check();
  } catch (err) {
    fail(file, 'could not be checked: ' + err.message);
  }
}

// 1. Checkpoints and the key.
let cp = { checkpoints: [], segments: [] };
let publicKey = null;
const checkpoints = new Map();
step('checkpoint.json', () => {
  cp = JSON.parse(read('checkpoint.json'));
  publicKey = createPublicKey(pinnedKeyFile ? readFileSync(pinnedKeyFile, 'utf8') : cp.publicKeyPem);
  const keyId = sha256(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);
  if (pinnedKeyFile && sha256(createPublicKey(cp.publicKeyPem).export({ type: 'spki', format: 'der' })).slice(0, 16) !== keyId) {
    fail('checkpoint.json', 'the public key in the pack is not the key given with --key');
  }
  cp.checkpoints.forEach((c, i) => {
    const message = Buffer.from([c.format, c.seq, c.hash, c.at].join('\n'), 'utf8');
    const ok = c.format === 'jml.checkpoint/v1' && verify(null, message, publicKey, Buffer.from(c.signature, 'base64'));
    if (!ok) fail('checkpoint.json checkpoint ' + (i + 1) + ' (seq ' + c.seq + ', ' + c.at + ')', 'signature does not verify: forged or altered');
    else checkpoints.set(c.seq, c);
});
report.push('signing key: Ed25519, key id ' + keyId + ' (compare with GET /api/v1/audit/checkpoint-key or your own records)');
report.push('checkpoint.json: ' + checkpoints.size + ' of ' + cp.checkpoints.length + ' checkpoint signatures valid');
});

// 2. The chain segments between checkpoints: complete (no gap) and unaltered.
const chainBySeq = new Map();
step('chain.jsonl', () => {
  const chain = jsonLines('chain.jsonl');
  for (const { line, row } of chain) {
    if (!hashMatches(row)) fail('chain.jsonl line ' + line + ' (seq ' + row.seq + ')', 'hash does not match the row content (altered row)');
    chainBySeq.set(row.seq, { line, row });
  }
  let covered = 0;
  for (const seg of cp.segments) {
    const from = seg.afterCheckpoint === null ? null : checkpoints.get(seg.afterCheckpoint);
    const to = checkpoints.get(seg.throughCheckpoint);
    const where = 'chain.jsonl segment after ' + (seg.afterCheckpoint ?? 'the genesis') + ' through ' + seg.throughCheckpoint;
    if ((seg.afterCheckpoint !== null && !from) || !to) {
      fail(where, 'a bounding checkpoint is missing or not genuine');
      continue;
    }
    const inSegment = (seq) => /^\d+$/.test(seq) && BigInt(seq) > BigInt(seg.afterCheckpoint ?? 0) && BigInt(seq) <= BigInt(seg.throughCheckpoint);
    const rows = chain.filter(({ row }) => inSegment(String(row.seq)));
    covered += rows.length;
    let prev = from ? from.hash : GENESIS;
    for (const { line, row } of rows) {
      if (row.prevHash !== prev) fail('chain.jsonl line ' + line + ' (seq ' + row.seq + ')', 'prevHash does not link to the row before it: a row is missing, added or reordered');
      prev = row.hash;
    }
    const last = rows[rows.length - 1];
    if (!last || last.row.seq !== to.seq) fail(where, 'the segment does not end on the checkpointed row ' + to.seq);
    else if (last.row.hash !== to.hash) {
      fail('chain.jsonl line ' + last.line + ' (seq ' + to.seq + ')', 'hash differs from the checkpoint signed at ' + to.at + ': the ledger was rewritten after it');
    }
  }
  if (covered !== chain.length) fail('chain.jsonl', (chain.length - covered) + ' rows lie outside every checkpointed segment');
  report.push('chain.jsonl: ' + chain.length + ' rows in ' + cp.segments.length + ' segment(s), each from one signed checkpoint to the next');
});

// 3. The rows behind the summary are rows of that chain.
const ledgerSeqs = new Set();
step('ledger.jsonl', () => {
  const ledger = jsonLines('ledger.jsonl');
  for (const { line, row } of ledger) {
    ledgerSeqs.add(row.seq);
    const where = 'ledger.jsonl line ' + line + ' (seq ' + row.seq + ')';
    if (!hashMatches(row)) fail(where, 'hash does not match the row content (altered row)');
    else if (chainBySeq.get(row.seq)?.row.hash !== row.hash) fail(where, 'not the same row as in the checkpointed chain (chain.jsonl)');
  }
  report.push('ledger.jsonl: ' + ledger.length + ' rows, each found unchanged in the chain');
});

// 4. Every change cites ledger rows that are in the pack.
step('changes.csv', () => {
  const csv = parseCsv(read('changes.csv'));
  csv.rows.forEach((r, i) => {
    for (const seq of (r.ledgerSeqs ?? '').split(';').filter(Boolean)) {
      if (!ledgerSeqs.has(seq)) fail('changes.csv line ' + (i + 2), 'cites ledger row ' + seq + ', which is not in ledger.jsonl (a deleted line?)');
    }
});
report.push('changes.csv: ' + csv.rows.length + ' changes, every cited ledger row present');
});

// 5. Checksums of every file, and the service's signature over the checksum list.
step('SHA256SUMS', () => {
  const sums = readFileSync(join(dir, 'SHA256SUMS'));
  const signed = Buffer.concat([Buffer.from('jml.evidence-sums/v1\n', 'utf8'), sums]);
  if (!publicKey || !verify(null, signed, publicKey, Buffer.from(read('SHA256SUMS.sig').trim(), 'base64'))) {
    fail('SHA256SUMS.sig', 'the service signature does not verify over SHA256SUMS: the checksum list or its signature was changed');
  }
  const listed = new Map(sums.toString('utf8').split('\n').filter(Boolean).map((l) => [l.slice(66), l.slice(0, 64)]));
  for (const name of readdirSync(dir)) {
    if (name === 'SHA256SUMS' || name === 'SHA256SUMS.sig') continue;
    if (!listed.has(name)) fail(name, 'not listed in SHA256SUMS (added file)');
  }
  for (const [name, sum] of listed) {
    if (!existsSync(join(dir, name))) fail(name, 'listed in SHA256SUMS but missing');
    else if (sha256(readFileSync(join(dir, name))) !== sum) fail(name, 'SHA-256 differs from SHA256SUMS (the file was changed)');
  }
  report.push('SHA256SUMS: ' + listed.size + ' files');
});

const scope = cp.scope ? ' (' + Object.entries(cp.scope).map(([k, v]) => k + ' ' + v).join(', ') + ')' : '';
console.log('JML evidence pack' + scope);
for (const line of report) console.log('  ' + line);
if (problems.length === 0) {
  console.log('VERDICT: VERIFIED. Every row hashes, links and matches the signed checkpoints; every file matches its checksum.');
} else {
  console.log('VERDICT: FAILED (' + problems.length + ' problem' + (problems.length === 1 ? '' : 's') + ')');
  for (const p of problems) console.log('  - ' + p);
  process.exitCode = 1;
}

// RFC 4180 CSV with a header row. Cells the product neutralised against spreadsheet formulas
// (an apostrophe before = + - @ tab CR) are mapped back by dropping that apostrophe.
function parseCsv(text) {
  const records = [];
  let cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { cells.push(cell); cell = ''; }
    else if (c === '\n') { cells.push(cell); records.push(cells); cells = []; cell = ''; }
    else if (c !== '\r') cell += c;
  }
  if (cell !== '' || cells.length > 0) { cells.push(cell); records.push(cells); }
  const unneutralise = (v) => (/^'+[=+\-@\t\r]/.test(v) ? v.slice(1) : v);
  const [header = [], ...body] = records;
  return { rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, unneutralise(r[i] ?? '')]))) };
}
