/**
 * A very small browser for scripted sign-ins: a cookie jar (per host, as browsers key cookies) and
 * manual redirects, so each hop of an OAuth flow can be observed. Used by `npm run token` and by
 * the tests; it drives the real endpoints, nothing else.
 */
export interface BrowserResponse {
  status: number;
  url: string;
  location: string | null;
  body: string;
  headers: Headers;
}

export class TinyBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  cookies(host: string): Record<string, string> {
    return Object.fromEntries(this.jar.get(host) ?? []);
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<BrowserResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookies = this.jar.get(target.hostname);
    if (cookies && cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.store(target.hostname, res.headers.getSetCookie());
    const location = res.headers.get('location');
    return {
      status: res.status,
      url: target.toString(),
      location: location ? new URL(location, target).toString() : null,
      body: await res.text(),
      headers: res.headers,
    };
  }

  /**
   * Follows redirects from `url` until a response is not a redirect, or until the next hop would
   * go to a URL for which `stopAt` returns true (that URL is returned, not fetched).
   */
  async follow(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
    stopAt: (url: string) => boolean = () => false,
  ): Promise<{ response: BrowserResponse | null; stoppedAt: string | null; hops: string[] }> {
    const hops: string[] = [];
    let response = await this.request(url, init);
    hops.push(response.url);
    for (let i = 0; i < 20; i++) {
      if (response.status < 300 || response.status >= 400 || !response.location) return { response, stoppedAt: null, hops };
      if (stopAt(response.location)) return { response, stoppedAt: response.location, hops };
      response = await this.request(response.location);
      hops.push(response.url);
    }
    throw new Error(`too many redirects: ${hops.join(' -> ')}`);
  }

  private store(host: string, setCookies: string[]): void {
    let jar = this.jar.get(host);
    if (!jar) this.jar.set(host, (jar = new Map()));
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }
}

/** The `action` of the dev IdP login form (the first form on the page). */
export function formAction(html: string, base: string): string {
  const m = /<form[^>]*id="login"[^>]*action="([^"]+)"/i.exec(html) ?? /<form[^>]*action="([^"]+)"/i.exec(html);
  if (!m) throw new Error('no sign-in form on the IdP page');
  return new URL(m[1].replace(/&amp;/g, '&'), base).toString();
}
