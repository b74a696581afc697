import type { Config } from '../config/config';
import { deliverEmail } from './email';
import type { TicketChannel, TicketPayload } from './ticket';
import { deliverWebhook } from './webhook';
import { misconfiguredChannel } from './failures';

export interface ChannelTarget {
  channel: TicketChannel;
  /** Helpdesk URL (webhook), shared inbox address (email), unused for queue. */
  target: string | null;
  /** Per-system signing secret; falls back to TICKET_HMAC_SECRET. */
  hmacSecret?: string | null;
}

export interface TicketChannelDeps {
  hmacSecret: string | undefined;
  smtpUrl: string | undefined;
  mailFrom?: string;
  webhookTimeoutMs?: number;
}

export function ticketChannelDeps(config: Config): TicketChannelDeps {
  return { hmacSecret: config.tickets.hmacSecret, smtpUrl: config.tickets.smtpUrl };
}

/**
 * The one seam between task delivery and the outside world: makes ONE delivery attempt of the
 * ticket through the system's channel, or throws a classified `ApplicationFailure` (see
 * failures.ts) for the caller's retry policy. `queue` needs no delivery: the task list is the ticket.
 * `externalRef` is the helpdesk's ticket reference (webhook) or the email's Message-ID.
 */
export async function deliverThroughChannel(
  ticket: TicketPayload,
  system: ChannelTarget,
  deps: TicketChannelDeps,
): Promise<{ externalRef: string | null }> {
  switch (system.channel) {
    case 'queue':
      return { externalRef: null };
    case 'webhook': {
      if (!system.target) throw misconfiguredChannel(`system ${ticket.system.key} has no helpdesk URL`);
      const r = await deliverWebhook(ticket, system.target, {
        secret: system.hmacSecret ?? deps.hmacSecret,
        timeoutMs: deps.webhookTimeoutMs,
      });
      return { externalRef: r.externalRef };
    }
    case 'email': {
      if (!system.target) throw misconfiguredChannel(`system ${ticket.system.key} has no shared inbox`);
      return deliverEmail(ticket, system.target, { smtpUrl: deps.smtpUrl, from: deps.mailFrom });
    }
    default:
      throw misconfiguredChannel(`unknown channel ${String((system as { channel: unknown }).channel)}`);
  }
}
