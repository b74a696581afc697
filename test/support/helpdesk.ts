import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../libs/tickets/signing';
import type { TicketPayload } from '../../libs/tickets/ticket';

export interface HelpdeskTicket {
  ref: string;
  idempotencyKey: string;
  ticket: TicketPayload;
  receivedAt: number;
}

/**
 * A real HTTP helpdesk for tests, behaving like a helpdesk API would: it verifies the signature
 * itself (401 otherwise), honours `Idempotency-Key` (a repeat returns the first ticket's reference
 * and creates nothing), and can be told to fail or hang on the next N requests.
 * It counts raw POSTs and distinct tickets separately, so a test can report both.
 */
export class TestHelpdesk {
  readonly tickets = new Map<string, HelpdeskTicket>();
  rawPosts = 0;
  rejectedSignatures = 0;
  private failNextCount = 0;
  private failStatus = 503;
  private hangNextCount = 0;
  private hangMs = 0;
  private slowNextCount = 0;
  private slowMs = 0;
  private server: Server | null = null;
  private seq = 0;
  private readonly open = new Set<ServerResponse>();
  private waiters: { n: number; resolve: () => void }[] = [];

  constructor(private readonly secret: string, private readonly answer: 'json' | 'location' = 'json') {}

  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error('helpdesk not started');
    return `http://127.0.0.1:${addr.port}/tickets`;
  }

  /** The next `n` requests are answered with `status` (503 by default) and create nothing. */
  failNext(n: number, status = 503): void {
    this.failNextCount = n;
    this.failStatus = status;
  }

  /** The next `n` requests get no answer for `ms` (then the connection is dropped). */
  hangNext(n: number, ms: number): void {
    this.hangNextCount = n;
    this.hangMs = ms;
  }

  /**
   * The next `n` accepted tickets are created at once but answered only after `ms` (the answer a
   * caller that dies meanwhile never sees): the "delivered, not yet recorded" window.
   */
  slowNext(n: number, ms: number): void {
    this.slowNextCount = n;
    this.slowMs = ms;
  }

  /** Resolves once at least `n` distinct tickets exist. */
  waitForTickets(n: number): Promise<void> {
    if (this.tickets.size >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  ticketFor(taskId: string): HelpdeskTicket | undefined {
    return [...this.tickets.values()].find((t) => t.ticket.taskId === taskId);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    if (req.method !== 'POST') return this.reply(res, 405, { error: 'method not allowed' });
    this.rawPosts++;
    if (this.hangNextCount > 0) {
      this.hangNextCount--;
      this.open.add(res);
      setTimeout(() => {
        this.open.delete(res);
        res.destroy();
      }, this.hangMs).unref();
      return;
    }
    if (this.failNextCount > 0) {
      this.failNextCount--;
      return this.reply(res, this.failStatus, { error: 'helpdesk unavailable' });
    }
    const check = verifySignature({
      secrets: [this.secret],
      timestamp: header(req, TIMESTAMP_HEADER),
      signature: header(req, SIGNATURE_HEADER),
      rawBody: raw,
    });
    if (!check.ok) {
      this.rejectedSignatures++;
      return this.reply(res, 401, { error: check.reason });
    }
    const key = header(req, IDEMPOTENCY_HEADER);
    if (!key) return this.reply(res, 400, { error: 'Idempotency-Key required' });
    const existing = this.tickets.get(key);
    if (existing) return this.created(res, existing.ref, 200);
    const ticket = JSON.parse(raw.toString('utf8')) as TicketPayload;
    if (ticket.schema !== 'jml.ticket/v1' || ticket.idempotencyKey !== key) {
      return this.reply(res, 422, { error: 'not a jml.ticket/v1 or key mismatch' });
    }
    const ref = `HD-${++this.seq}`;
    this.tickets.set(key, { ref, idempotencyKey: key, ticket, receivedAt: Date.now() });
    this.waiters = this.waiters.filter((w) => (this.tickets.size >= w.n ? (w.resolve(), false) : true));
    if (this.slowNextCount > 0) {
      this.slowNextCount--;
      this.open.add(res);
      setTimeout(() => {
        this.open.delete(res);
        if (!res.destroyed) this.created(res, ref, 201);
      }, this.slowMs).unref();
      return;
    }
    return this.created(res, ref, 201);
  }

  private created(res: ServerResponse, ref: string, status: number): void {
    if (this.answer === 'location') {
      res.writeHead(status, { Location: `/tickets/${ref}` }).end();
      return;
    }
    this.reply(res, status, { ticketRef: ref });
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
