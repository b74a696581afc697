import { z } from 'zod';
import { unstorableText } from '../domain/text';

/**
 * What a helpdesk sends to `POST /api/v1/tickets/callback` when a ticket is resolved, signed like
 * our tickets (HMAC over `<timestamp>.<raw body>`). `callbackId` is inside the signed body, so a
 * replay cannot dodge the replay check by changing an unsigned header.
 */
export const CALLBACK_SCHEMA = 'jml.ticket-callback/v1' as const;

// The same text rule as every API input (ADR 080): PostgreSQL cannot store U+0000.
const storable = [(s: string) => unstorableText(s) === null, { message: 'must not contain the NUL character (U+0000) or unpaired surrogates' }] as const;

const callbackSchema = z
  .object({
    schema: z.literal(CALLBACK_SCHEMA),
    callbackId: z.string().min(1).max(200).refine(...storable),
    ticketId: z.string().uuid(),
    status: z.literal('resolved'),
    resolvedBy: z
      .object({ name: z.string().trim().min(1).max(200).refine(...storable), email: z.string().email().max(320).optional() })
      .strict(),
    note: z.string().max(4000).refine(...storable).optional(),
    externalRef: z.string().min(1).max(500).refine(...storable).optional(),
    resolvedAt: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

export type TicketCallbackBody = z.infer<typeof callbackSchema>;

export type ParsedCallback =
  | { ok: true; value: TicketCallbackBody }
  | { ok: false; details: { path: string; problems: string[] }[] };

export function parseTicketCallback(rawBody: Buffer | string): ParsedCallback {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return { ok: false, details: [{ path: '(body)', problems: ['body must be JSON'] }] };
  }
  const r = callbackSchema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const byPath = new Map<string, string[]>();
  for (const i of r.error.issues) {
    const path = i.path.join('.') || '(body)';
    byPath.set(path, [...(byPath.get(path) ?? []), i.message]);
  }
  return { ok: false, details: [...byPath].map(([path, problems]) => ({ path, problems })) };
}
