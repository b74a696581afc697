import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { Config } from '../config/config';
import { DEFAULT_MAIL_FROM } from '../tickets/email';
import type { CampaignRow } from './campaign-store';

type Mailer = ReturnType<typeof createTransport>;
let mailer: { url: string; m: Mailer } | null = null;

/** Closes the pooled transport (worker shutdown, tests). */
export function closeDigestMailer(): void {
  mailer?.m.close();
  mailer = null;
}

/**
 * One reminder digest to one reviewer: how many items wait, until when, and where to review
 * them (never one mail per item). The Message-ID derives from campaign, reminder and reviewer, so
 * a retried activity re-sends the same message, which an inbox recognises as a duplicate.
 */
export async function sendReminderMail(
  config: Config,
  input: { campaign: CampaignRow; reviewer: { reviewer: string; pending: number; email: string | null; name: string }; index: number },
): Promise<void> {
  const url = config.tickets.smtpUrl;
  if (!url || !input.reviewer.email) return;
  if (!mailer || mailer.url !== url) mailer = { url, m: createTransport({ url, pool: true, maxConnections: 3, connectionTimeout: 10_000 }) };
  const c = input.campaign;
  const id = createHash('sha256').update(`certification:${c.id}:reminder:${input.index}:${input.reviewer.reviewer}`).digest('hex').slice(0, 40);
  await mailer.m.sendMail({
    from: DEFAULT_MAIL_FROM,
    to: input.reviewer.email,
    subject: `Access review "${c.name}": ${input.reviewer.pending} items waiting for you, due ${new Date(c.due_at).toISOString()}`,
    messageId: `<${id}@certifications.jml.invalid>`,
    text: [
      `Hello ${input.reviewer.name},`,
      '',
      `${input.reviewer.pending} access items in the certification campaign "${c.name}" wait for your decision (certify or revoke).`,
      `Due: ${new Date(c.due_at).toISOString()}. Undecided items then follow the campaign's policy: ${c.deadline_policy}.`,
      '',
      `Review them: ${config.publicUrl.replace(/\/+$/, '')}/api/v1/certifications/${encodeURIComponent(c.id)}/items`,
    ].join('\n'),
  });
}
