import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { TicketPayload } from './ticket';
import { ticketTitle } from './ticket';
import { misconfiguredChannel, rejectedDelivery, retryableDeliveryFailure } from './failures';

export const DEFAULT_MAIL_FROM = 'JML governance <jml-noreply@localhost>';
const MESSAGE_ID_DOMAIN = 'tickets.jml.invalid';

type Mailer = ReturnType<typeof createTransport>;

/**
 * The Message-ID of a ticket's email, derived from its idempotency key: a re-send after a crash
 * carries the same Message-ID, so the inbox (or the helpdesk reading it) recognises the duplicate.
 */
export function ticketMessageId(idempotencyKey: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<${digest}@${MESSAGE_ID_DOMAIN}>`;
}

/** The plain-text body a system owner reads: what to do, for whom, by when, and where to attest. */
export function ticketEmailText(t: TicketPayload): string {
  const lines = [
    t.urgent ? 'URGENT: carry this out immediately.' : null,
    `${t.action === 'revoke' ? 'Revoke' : 'Grant'} the following access in ${t.system.name} (${t.system.key})`,
    `for ${t.identity.name}, username ${t.identity.username}, employee id ${t.identity.key}.`,
    '',
    'Entitlements:',
    ...t.entitlements.map((e) => `  - ${e.name} (${e.key})${e.privileged ? ' [privileged]' : ''}`),
    '',
    `Due: ${t.dueAt}`,
    `Request: ${t.requestId} (${t.kind})`,
    `Task: ${t.taskId}`,
    '',
    'When it is done, attest it by name (a named attestation is required for the audit):',
    t.attestUrl,
    '',
    `Ticket id ${t.ticketId}; the JSON ticket (${t.schema}) is attached.`,
  ];
  return lines.filter((l): l is string => l !== null).join('\n');
}

const mailers = new Map<string, Mailer>();

/** One pooled SMTP transport per server URL and process (connections are reused across tickets). */
function mailerFor(smtpUrl: string): Mailer {
  let m = mailers.get(smtpUrl);
  if (!m) {
    m = createTransport({ url: smtpUrl, pool: true, maxConnections: 5, connectionTimeout: 10_000, socketTimeout: 30_000 });
    mailers.set(smtpUrl, m);
  }
  return m;
}

/** Closes the pooled transports (worker shutdown, tests). */
export function closeMailers(): void {
  for (const m of mailers.values()) m.close();
  mailers.clear();
}

/** Sends the ticket to the system's shared inbox; the Message-ID is its external reference. */
export async function deliverEmail(
  ticket: TicketPayload,
  inbox: string,
  opts: { smtpUrl: string | undefined; from?: string },
): Promise<{ externalRef: string }> {
  if (!opts.smtpUrl) throw misconfiguredChannel('email channel needs SMTP_URL');
  if (!/^[^\s@]+@[^\s@]+$/.test(inbox)) throw misconfiguredChannel(`email target is not an address: ${inbox}`);
  const messageId = ticketMessageId(ticket.idempotencyKey);
  try {
    await mailerFor(opts.smtpUrl).sendMail({
      from: opts.from ?? DEFAULT_MAIL_FROM,
      to: inbox,
      subject: ticketTitle(ticket),
      messageId,
      priority: ticket.urgent ? 'high' : 'normal',
      headers: {
        'X-JML-Ticket-Id': ticket.ticketId,
        'X-JML-Idempotency-Key': ticket.idempotencyKey,
      },
      text: ticketEmailText(ticket),
      attachments: [{ filename: 'ticket.json', contentType: 'application/json', content: JSON.stringify(ticket, null, 2) }],
    });
  } catch (err) {
    const e = err as { code?: string; responseCode?: number; message?: string };
    const details = { inbox, code: e.code ?? null, responseCode: e.responseCode ?? null };
    // SMTP 5xx is a permanent refusal (unknown mailbox, policy); 4xx and connection trouble pass.
    if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
      throw rejectedDelivery(`mail server refused the ticket: ${e.message ?? e.responseCode}`, details);
    }
    throw retryableDeliveryFailure(`mail delivery failed: ${e.message ?? e.code ?? 'unknown error'}`, details);
  }
  return { externalRef: messageId };
}
