import type { TicketPayload } from './ticket';
import { signedHeaders } from './signing';
import { misconfiguredChannel, rejectedDelivery, retryableDeliveryFailure } from './failures';

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/** HTTP statuses worth another attempt: timeout, conflict on an in-flight idempotency key, throttling, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/**
 * Reads the helpdesk's own reference for the ticket from a 2xx answer: the JSON body's
 * `ticketRef` (or `id` / `key`, as common helpdesk APIs answer), else the `Location` header.
 */
export function ticketRefFromResponse(body: string, location: string | null): string | null {
  if (body.trim().length > 0) {
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      for (const field of ['ticketRef', 'id', 'key']) {
        const v = parsed?.[field];
        if (typeof v === 'string' && v.length > 0) return v.slice(0, 500);
        if (typeof v === 'number') return String(v);
      }
    } catch {
      // Not JSON: fall through to the Location header.
    }
  }
  return location ? location.slice(0, 500) : null;
}

/** One signed POST of the ticket to the helpdesk URL; throws a classified failure otherwise. */
export async function deliverWebhook(
  ticket: TicketPayload,
  url: string,
  opts: { secret: string | undefined; timeoutMs?: number; nowMs?: number },
): Promise<{ externalRef: string | null; status: number }> {
  if (!opts.secret) throw misconfiguredChannel('webhook channel needs TICKET_HMAC_SECRET (or a per-system secret)');
  if (!/^https?:\/\//.test(url)) throw misconfiguredChannel(`webhook target is not an http(s) URL: ${url}`);
  const body = JSON.stringify(ticket);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'jml-governance/1',
        ...signedHeaders(opts.secret, body, ticket.idempotencyKey, opts.nowMs),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: { code?: string } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    throw retryableDeliveryFailure(
      timedOut ? `helpdesk did not answer within ${timeoutMs} ms` : `helpdesk unreachable: ${e.cause?.code ?? e.message}`,
      { url, timedOut, code: e.cause?.code ?? null },
    );
  }
  let text = '';
  try {
    text = await res.text();
  } catch {
    // A body cut off after a 2xx status still means the helpdesk accepted the ticket.
  }
  if (res.status >= 200 && res.status < 300) {
    return { externalRef: ticketRefFromResponse(text, res.headers.get('location')), status: res.status };
  }
  const details = { url, status: res.status, body: text.slice(0, 300) };
  if (isRetryableStatus(res.status)) throw retryableDeliveryFailure(`helpdesk answered ${res.status}`, details);
  throw rejectedDelivery(`helpdesk rejected the ticket with ${res.status}`, details);
}
