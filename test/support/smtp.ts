import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  headers: Record<string, string>;
  messageId: string;
  subject: string;
  text: string;
  /** Decoded attachments by file name. */
  attachments: Record<string, string>;
  raw: string;
}

/**
 * A real SMTP server in the test process (the `smtp-server` package). It records every message
 * it accepts and counts raw messages and distinct Message-IDs separately: a mailbox or helpdesk
 * that threads by Message-ID shows one ticket per distinct id. It can be told to answer the next
 * N messages with a temporary failure (451).
 */
export class TestSmtpServer {
  readonly messages: ReceivedMail[] = [];
  private tempFailNext = 0;
  private slowNextCount = 0;
  private slowMs = 0;
  private server: SMTPServer | null = null;
  private waiters: { n: number; resolve: () => void }[] = [];

  get url(): string {
    const addr = (this.server as unknown as { server: { address(): AddressInfo } }).server.address();
    return `smtp://127.0.0.1:${addr.port}`;
  }

  get distinctMessageIds(): number {
    return new Set(this.messages.map((m) => m.messageId)).size;
  }

  failNext(n: number): void {
    this.tempFailNext = n;
  }

  /**
   * The next `n` messages are stored at once but their `250 OK` is held back `ms`: the sender
   * cannot know the message arrived (a worker killed meanwhile will send it again).
   */
  slowNext(n: number, ms: number): void {
    this.slowNextCount = n;
    this.slowMs = ms;
  }

  byMessageId(messageId: string): ReceivedMail[] {
    return this.messages.filter((m) => m.messageId === messageId);
  }

  /** Resolves once at least `n` distinct Message-IDs arrived. */
  waitForDistinct(n: number): Promise<void> {
    if (this.distinctMessageIds >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.tempFailNext > 0) {
            this.tempFailNext--;
            const err = new Error('mailbox temporarily unavailable') as Error & { responseCode: number };
            err.responseCode = 451;
            return callback(err);
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const to = session.envelope.rcptTo.map((r) => r.address);
          this.messages.push(parseMail(raw, to));
          this.waiters = this.waiters.filter((w) => (this.distinctMessageIds >= w.n ? (w.resolve(), false) : true));
          if (this.slowNextCount > 0) {
            this.slowNextCount--;
            setTimeout(() => callback(), this.slowMs).unref();
            return;
          }
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function splitHeadBody(raw: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(raw);
  return m ? [raw.slice(0, m.index), raw.slice(m.index + m[0].length)] : [raw, ''];
}

function decode(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return Buffer.from(
        body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
        'latin1',
      ).toString('utf8');
    default:
      return body;
  }
}

/** Just enough MIME for the tickets we send: a text/plain part and attachments, one level deep. */
function parseMail(raw: string, to: string[]): ReceivedMail {
  const [head, body] = splitHeadBody(raw);
  const headers = parseHeaders(head);
  const mail: ReceivedMail = {
    to,
    headers,
    messageId: headers['message-id'] ?? '',
    subject: headers.subject ?? '',
    text: '',
    attachments: {},
    raw,
  };
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) {
    mail.text = decode(body, headers['content-transfer-encoding']);
    return mail;
  }
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const [ph, pb] = splitHeadBody(part.replace(/^\r?\n/, ''));
    const h = parseHeaders(ph);
    const content = decode(pb.replace(/\r?\n$/, ''), h['content-transfer-encoding']);
    const filename = /filename="?([^";]+)"?/i.exec(h['content-disposition'] ?? '')?.[1];
    if (filename) mail.attachments[filename] = content;
    else if ((h['content-type'] ?? '').startsWith('text/plain')) mail.text = content;
  }
  return mail;
}
