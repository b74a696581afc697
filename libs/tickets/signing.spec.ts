import { computeSignature, signedHeaders, verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signing';

const secret = 'a-test-secret-of-enough-length';
const body = '{"schema":"jml.ticket/v1","ticketId":"t1"}';

describe('ticket signing', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 (a known vector)', () => {
    // Computed independently: printf '%s' '1700000000.hello' | openssl dgst -sha256 -hmac 'k'
    expect(computeSignature('k', '1700000000', 'hello')).toBe('0c511384dbc4c6b6cbe53e5da961410697e51518b6128a9f4b1c0920a2ba5ff5');
  });

  it('verifies what it signs, within the window', () => {
    const now = 1_700_000_000_000;
    const h = signedHeaders(secret, body, 'key-1', now);
    expect(h[TIMESTAMP_HEADER]).toBe('1700000000');
    expect(h[SIGNATURE_HEADER]).toMatch(/^v1=[0-9a-f]{64}$/);
    const r = verifySignature({ secrets: [secret], timestamp: h[TIMESTAMP_HEADER], signature: h[SIGNATURE_HEADER], rawBody: body, nowMs: now + 299_000 });
    expect(r).toEqual({ ok: true, timestamp: 1_700_000_000 });
  });

  it.each([
    ['a changed body', { rawBody: body.replace('t1', 't2') }, 'bad_signature'],
    ['another secret', { secrets: ['another-secret-of-enough-len'] }, 'bad_signature'],
    ['a changed timestamp', { timestamp: '1700000001' }, 'bad_signature'],
    ['a stale timestamp', { nowMs: 1_700_000_000_000 + 301_000 }, 'stale_timestamp'],
    ['a timestamp from the future', { nowMs: 1_700_000_000_000 - 301_000 }, 'stale_timestamp'],
    ['no signature', { signature: undefined }, 'missing_headers'],
    ['a non-numeric timestamp', { timestamp: '17e8' }, 'bad_timestamp'],
    ['a truncated signature', { signature: 'v1=abcd' }, 'bad_signature'],
  ])('rejects %s', (_name, change, reason) => {
    const now = 1_700_000_000_000;
    const h = signedHeaders(secret, body, 'key-1', now);
    const r = verifySignature({
      secrets: [secret],
      timestamp: h[TIMESTAMP_HEADER],
      signature: h[SIGNATURE_HEADER],
      rawBody: body,
      nowMs: now,
      ...change,
    });
    expect(r).toEqual({ ok: false, reason });
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const ts = '1700000000';
    const sig = `v1=${computeSignature('old-secret-of-enough-length', ts, body)}, v1=${computeSignature(secret, ts, body)}`;
    expect(verifySignature({ secrets: [secret], timestamp: ts, signature: sig, rawBody: body, nowMs: 1_700_000_000_000 }).ok).toBe(true);
  });
});
