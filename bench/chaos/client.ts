/**
 * The chaos run's API caller: people and the HR client acting over HTTP with real dev-IdP tokens.
 * A call that gets no answer, a 5xx or a 429 is retried (the service may be restarting) until
 * the run's deadline; every 2xx is an acknowledgement the checks later hold the system to.
 */
export interface Ack {
  /** What was acknowledged: a request or campaign created, a decision, a task completion, a sign-off. */
  kind: 'request' | 'decision' | 'task' | 'campaign' | 'item' | 'signoff';
  id: string;
  /** For `item`: certified or revoked. */
  value?: string;
}

export interface CallResult<T> {
  status: number;
  body: T;
}

export class ChaosClient {
  readonly acks: Ack[] = [];
  /** Answers by status class while retrying (5xx and no-answer counts are the faults showing). */
  readonly retried = { noAnswer: 0, server5xx: 0, status500: 0, throttled: 0 };

  constructor(
    private readonly baseUrl: string,
    private readonly tokens: Record<string, string>,
    private readonly deadline: number,
  ) {}

  /** One call, retried through outages; resolves with the first answer below 500 (and not 429). */
  async call<T = Record<string, unknown>>(method: string, path: string, who: string, body?: unknown): Promise<CallResult<T>> {
    for (;;) {
      if (Date.now() > this.deadline) throw new Error(`deadline passed during ${method} ${path}`);
      let res: Response;
      try {
        res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${this.tokens[who]}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
      } catch {
        this.retried.noAnswer++;
        await sleep(500);
        continue;
      }
      const text = await res.text().catch(() => '');
      if (res.status >= 500 || res.status === 429) {
        if (res.status === 429) this.retried.throttled++;
        else this.retried.server5xx++;
        if (res.status === 500) this.retried.status500++;
        await sleep(500);
        continue;
      }
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    }
  }

  /** Polls a GET until `done` holds for its body. */
  async until<T>(path: string, who: string, done: (body: T) => boolean, intervalMs = 300): Promise<T> {
    for (;;) {
      const r = await this.call<T>('GET', path, who);
      if (r.status === 200 && done(r.body)) return r.body;
      await sleep(intervalMs);
    }
  }

  ack(a: Ack): void {
    this.acks.push(a);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
