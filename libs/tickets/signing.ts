import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 request signing, both directions (tickets we send, callbacks we receive):
 * `signature = hex(HMAC-SHA256(secret, "<timestamp>.<raw body>"))`, sent as
 * `X-JML-Signature: v1=<signature>` with `X-JML-Timestamp: <unix seconds>`.
 * The version prefix lets the scheme change without breaking receivers; several `v1=` values
 * separated by commas are accepted, so a secret can be rotated with two signatures at once.
 */
export const SIGNATURE_HEADER = 'X-JML-Signature';
export const TIMESTAMP_HEADER = 'X-JML-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function computeSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const h = createHmac('sha256', secret);
  h.update(`${timestamp}.`);
  h.update(rawBody);
  return h.digest('hex');
}

export function signatureHeader(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return `v1=${computeSignature(secret, timestamp, rawBody)}`;
}

/** The three headers of a signed request, for a body about to be sent. */
export function signedHeaders(
  secret: string,
  rawBody: string,
  idempotencyKey: string,
  nowMs: number = Date.now(),
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, rawBody),
    [IDEMPOTENCY_HEADER]: idempotencyKey,
  };
}

export type VerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing_headers' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature' };

/**
 * Verifies a signed request: headers present, timestamp within the tolerance window (either
 * direction, for clock skew), and a constant-time match of one `v1=` signature.
 * The signature is checked before freshness would matter to a caller, but both must hold.
 */
export function verifySignature(input: {
  secrets: string[];
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string | Buffer;
  nowMs?: number;
  toleranceSeconds?: number;
}): VerifyResult {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const candidates = signature
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .map((s) => s.slice(3));
  const matches = input.secrets.some((secret) => {
    const expected = Buffer.from(computeSignature(secret, timestamp, input.rawBody), 'hex');
    return candidates.some((c) => {
      if (!/^[0-9a-f]{64}$/i.test(c)) return false;
      return timingSafeEqual(expected, Buffer.from(c, 'hex'));
    });
  });
  if (!matches) return { ok: false, reason: 'bad_signature' };
  const ts = Number(timestamp);
  const now = Math.floor((input.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  return { ok: true, timestamp: ts };
}
