import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { deliverThroughChannel, type TicketChannelDeps } from '../libs/tickets/channels';
import { closeMailers, ticketMessageId } from '../libs/tickets/email';
import { buildTicket, type TicketPayload } from '../libs/tickets/ticket';
import { TestHelpdesk } from './support/helpdesk';
import { TestSmtpServer } from './support/smtp';

/**
 * The ticket channels against real local peers: an HTTP helpdesk that verifies signatures and
 * honours Idempotency-Key, and a real SMTP server. The delivery function makes one attempt;
 * the retry loop here stands in for Temporal's activity retry (the leaver tests use the real one).
 */
const secret = 'helpdesk-shared-secret-0123456789';

function ticket(overrides: Partial<Parameters<typeof buildTicket>[0]> = {}): TicketPayload {
  const taskId = randomUUID();
  return buildTicket(
    {
      taskId,
      requestId: randomUUID(),
      kind: 'leaver',
      action: 'revoke',
      urgent: false,
      system: { key: 'ehr', name: 'Electronic Health Record' },
      identity: { key: 'E1001', name: 'Dana Scully', username: 'dscully' },
      entitlements: [
        { key: 'ehr.read', name: 'Read charts', privileged: false },
        { key: 'ehr.admin', name: 'EHR administration', privileged: true },
      ],
      dueAt: '2026-11-27T17:00:00.000Z',
      createdAt: '2026-11-27T09:00:00.000Z',
      ...overrides,
    },
    'https://jml.example.org/',
  );
}

/** Temporal-like retry: retryable failures are retried with backoff, non-retryable ones surface. */
async function withRetries<T>(fn: () => Promise<T>, attempts = 6): Promise<{ result: T; attempts: number }> {
  for (let i = 1; ; i++) {
    try {
      return { result: await fn(), attempts: i };
    } catch (err) {
      if (i >= attempts || (err instanceof ApplicationFailure && err.nonRetryable)) throw err;
      await new Promise((r) => setTimeout(r, 20 * 2 ** i));
    }
  }
}

describe('ticket channels with real peers', () => {
  let helpdesk: TestHelpdesk;
  let smtp: TestSmtpServer;
  let deps: TicketChannelDeps;

  beforeAll(async () => {
    helpdesk = await new TestHelpdesk(secret).start();
    smtp = await new TestSmtpServer().start();
    deps = { hmacSecret: secret, smtpUrl: smtp.url, webhookTimeoutMs: 500 };
  });

  afterAll(async () => {
    closeMailers();
    await helpdesk?.stop();
    await smtp?.stop();
  });

  it('webhook: the helpdesk verifies the signature and its reference is returned', async () => {
    const t = ticket();
    const r = await deliverThroughChannel(t, { channel: 'webhook', target: helpdesk.url }, deps);
    const stored = helpdesk.ticketFor(t.taskId);
    expect(stored).toBeDefined();
    expect(r.externalRef).toBe(stored!.ref);
    expect(stored!.ticket).toEqual(t);
    expect(stored!.ticket.attestUrl).toBe(`https://jml.example.org/api/v1/tasks/${t.taskId}/complete`);
  });

  it('webhook: a receiver with another secret refuses it, and that is not retried', async () => {
    const other = await new TestHelpdesk('a-different-secret-0123456789').start();
    try {
      const before = other.rawPosts;
      const err = await withRetries(() => deliverThroughChannel(ticket(), { channel: 'webhook', target: other.url }, deps)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
      expect((err as ApplicationFailure).type).toBe('TicketDeliveryRejected');
      expect(other.rawPosts - before).toBe(1);
      expect(other.rejectedSignatures).toBe(1);
      expect(other.tickets.size).toBe(0);
    } finally {
      await other.stop();
    }
  });

  it('webhook: helpdesk down (3 x 503) then up: retried, exactly one ticket', async () => {
    const t = ticket();
    const postsBefore = helpdesk.rawPosts;
    const ticketsBefore = helpdesk.tickets.size;
    helpdesk.failNext(3);
    const { result, attempts } = await withRetries(() => deliverThroughChannel(t, { channel: 'webhook', target: helpdesk.url }, deps));
    expect(attempts).toBe(4);
    expect(helpdesk.rawPosts - postsBefore).toBe(4);
    expect(helpdesk.tickets.size - ticketsBefore).toBe(1);
    expect(result.externalRef).toBe(helpdesk.ticketFor(t.taskId)!.ref);
  });

  it('webhook: a hanging helpdesk times out, the retry reuses the key: one ticket', async () => {
    const t = ticket();
    const postsBefore = helpdesk.rawPosts;
    helpdesk.hangNext(1, 2_000);
    const { attempts } = await withRetries(() => deliverThroughChannel(t, { channel: 'webhook', target: helpdesk.url }, deps));
    expect(attempts).toBe(2);
    expect(helpdesk.rawPosts - postsBefore).toBe(2);
    // Delivered twice on purpose (as after a crash between POST and commit): still one ticket.
    const again = await deliverThroughChannel(t, { channel: 'webhook', target: helpdesk.url }, deps);
    expect(helpdesk.rawPosts - postsBefore).toBe(3);
    expect([...helpdesk.tickets.values()].filter((x) => x.ticket.taskId === t.taskId)).toHaveLength(1);
    expect(again.externalRef).toBe(helpdesk.ticketFor(t.taskId)!.ref);
  });

  it('webhook: a Location header is the reference when the body has none', async () => {
    const loc = await new TestHelpdesk(secret, 'location').start();
    try {
      const r = await deliverThroughChannel(ticket(), { channel: 'webhook', target: loc.url }, deps);
      expect(r.externalRef).toBe('/tickets/HD-1');
    } finally {
      await loc.stop();
    }
  });

  it('webhook: unreachable helpdesk is retryable; a missing secret is not', async () => {
    const down = 'http://127.0.0.1:1/tickets';
    const e1 = await deliverThroughChannel(ticket(), { channel: 'webhook', target: down }, deps).catch((e: unknown) => e);
    expect((e1 as ApplicationFailure).nonRetryable).toBe(false);
    const e2 = await deliverThroughChannel(ticket(), { channel: 'webhook', target: helpdesk.url }, { ...deps, hmacSecret: undefined }).catch((e: unknown) => e);
    expect((e2 as ApplicationFailure).type).toBe('TicketChannelMisconfigured');
    expect((e2 as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('email: arrives at the shared inbox with the task, its due time and the attest link', async () => {
    const t = ticket({ urgent: true });
    const r = await deliverThroughChannel(t, { channel: 'email', target: 'ehr-owners@example.org' }, deps);
    expect(r.externalRef).toBe(ticketMessageId(t.idempotencyKey));
    const [mail] = smtp.byMessageId(r.externalRef!);
    expect(mail).toBeDefined();
    expect(mail.to).toEqual(['ehr-owners@example.org']);
    expect(mail.subject).toContain('[URGENT] Revoke Electronic Health Record access for Dana Scully (dscully)');
    expect(mail.headers['x-jml-ticket-id']).toBe(t.ticketId);
    expect(mail.text).toContain('Due: 2026-11-27T17:00:00.000Z');
    expect(mail.text).toContain(t.attestUrl);
    expect(mail.text).toContain('EHR administration (ehr.admin) [privileged]');
    expect(JSON.parse(mail.attachments['ticket.json'])).toEqual(t);
  });

  it('email: a temporary SMTP failure is retried; a re-send carries the same Message-ID', async () => {
    const t = ticket();
    smtp.failNext(2);
    const { result, attempts } = await withRetries(() => deliverThroughChannel(t, { channel: 'email', target: 'pacs@example.org' }, deps));
    expect(attempts).toBe(3);
    await deliverThroughChannel(t, { channel: 'email', target: 'pacs@example.org' }, deps);
    const copies = smtp.byMessageId(result.externalRef!);
    expect(copies).toHaveLength(2); // raw messages
    expect(new Set(copies.map((m) => m.messageId)).size).toBe(1); // one ticket as the inbox threads it
  });

  it('email: without SMTP_URL the channel is misconfigured (not retried)', async () => {
    const e = await deliverThroughChannel(ticket(), { channel: 'email', target: 'x@example.org' }, { ...deps, smtpUrl: undefined }).catch((x: unknown) => x);
    expect((e as ApplicationFailure).type).toBe('TicketChannelMisconfigured');
  });

  it('queue: nothing to deliver', async () => {
    await expect(deliverThroughChannel(ticket(), { channel: 'queue', target: null }, deps)).resolves.toEqual({ externalRef: null });
  });
});
