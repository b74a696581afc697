import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../libs/tickets/signing';

/**
 * The outside world of the leaver bench, in the bench process: a helpdesk that verifies the
 * signature and deduplicates on Idempotency-Key (as a real one must), and an SMTP server that
 * stores messages. Both count raw arrivals and distinct tickets, so re-sends show up.
 */
export class BenchHelpdesk {
  readonly firstSeen = new Map<string, number>();
  rawPosts = 0;
  resends = 0;
  badSignatures = 0;
  /** While true every POST is answered 503 and creates nothing (a helpdesk outage). */
  failing = false;
  /** POSTs refused while `failing`. */
  refused = 0;
  private server: Server | null = null;

  constructor(private readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/tickets`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.rawPosts++;
        if (this.failing) {
          this.refused++;
          res.writeHead(503).end();
          return;
        }
        const h = (n: string) => req.headers[n.toLowerCase()] as string | undefined;
        const check = verifySignature({ secrets: [this.secret], timestamp: h(TIMESTAMP_HEADER), signature: h(SIGNATURE_HEADER), rawBody: Buffer.concat(chunks) });
        if (!check.ok) {
          this.badSignatures++;
          res.writeHead(401).end();
          return;
        }
        const key = h(IDEMPOTENCY_HEADER) ?? '';
        if (this.firstSeen.has(key)) this.resends++;
        else this.firstSeen.set(key, Date.now());
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ticketRef: `HD-${this.firstSeen.size}` }));
      });
    });
    this.server.keepAliveTimeout = 5_000;
    this.server.maxConnections = 10_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export class BenchSmtp {
  readonly firstSeen = new Map<string, number>();
  messages = 0;
  resends = 0;
  private server: SMTPServer | null = null;

  get url(): string {
    const addr = (this.server as unknown as { server: { address(): AddressInfo } }).server.address();
    return `smtp://127.0.0.1:${addr.port}`;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        let head = '';
        stream.on('data', (c: Buffer) => {
          if (head.length < 8192) head += c.toString('utf8');
        });
        stream.on('end', () => {
          this.messages++;
          const id = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? `none-${this.messages}`;
          if (this.firstSeen.has(id)) this.resends++;
          else this.firstSeen.set(id, Date.now());
          callback();
        });
      },
    });
    // A worker SIGKILLed mid-message (the scale-out kill run) resets its connection: smtp-server
    // emits that as an 'error', which unhandled ended the whole bench. The message was not
    // accepted, so the worker's retry delivers it and the count stays right.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
