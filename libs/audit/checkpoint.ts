import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Signed checkpoints of the ledger head (SPEC section 6, anchoring). A checkpoint says "at time
 * `at`, row `seq` of the chain had hash `hash`", signed with an Ed25519 key the database never
 * sees, and is kept outside the ledger table. A later rewrite of the whole table, even with every
 * hash recomputed, no longer matches a checkpoint taken before it.
 */
export const CHECKPOINT_FORMAT = 'jml.checkpoint/v1';

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  seq: string;
  hash: string;
  /** ISO-8601 UTC, when the checkpoint was taken. */
  at: string;
  /** First 16 hex digits of SHA-256 over the public key's SPKI DER bytes. */
  keyId: string;
  /** Ed25519 signature (base64) over the UTF-8 bytes of `checkpointMessage`. */
  signature: string;
}

/**
 * The signed bytes: four lines, no trailing newline. Written out so that anyone can rebuild them:
 * `jml.checkpoint/v1`, the seq in decimal, the hash in lower-case hex, the time.
 */
export function checkpointMessage(c: Pick<Checkpoint, 'seq' | 'hash' | 'at'>): string {
  return `${CHECKPOINT_FORMAT}\n${c.seq}\n${c.hash}\n${c.at}`;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** An Ed25519 signing key with its public half and id. */
export interface CheckpointKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

export function checkpointKeyFromPem(privatePem: string): CheckpointKey {
  const privateKey = createPrivateKey(privatePem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`checkpoint key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(publicKey) };
}

export function signCheckpoint(key: CheckpointKey, head: { seq: string; hash: string }, at: Date): Checkpoint {
  const body = { seq: head.seq, hash: head.hash, at: at.toISOString() };
  const signature = sign(null, Buffer.from(checkpointMessage(body), 'utf8'), key.privateKey).toString('base64');
  return { format: CHECKPOINT_FORMAT, ...body, keyId: key.keyId, signature };
}

/** Why a checkpoint is not genuine under `publicKey`, or null when its signature holds. */
export function checkpointSignatureProblem(publicKey: KeyObject, c: Partial<Checkpoint>): string | null {
  if (c.format !== CHECKPOINT_FORMAT) return `unknown checkpoint format ${JSON.stringify(c.format)}`;
  if (typeof c.seq !== 'string' || !/^\d+$/.test(c.seq) || typeof c.hash !== 'string' || typeof c.at !== 'string' || typeof c.signature !== 'string') {
    return 'malformed checkpoint (seq, hash, at and signature are required)';
  }
  const ok = verify(null, Buffer.from(checkpointMessage({ seq: c.seq, hash: c.hash, at: c.at }), 'utf8'), publicKey, Buffer.from(c.signature, 'base64'));
  return ok ? null : `signature does not verify with key ${keyIdOf(publicKey)} (forged or altered checkpoint)`;
}
