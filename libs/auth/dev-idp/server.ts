import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createDevProvider, escapeHtml, type DevProviderOptions } from './provider';
import { loginPage } from './login-page';

const INTERACTION = /^\/interaction\/([\w-]+)(\/login|\/abort)?$/;

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * The dev IdP's HTTP server: oidc-provider's endpoints plus its own login interaction, which looks
 * people up in the system of record.
 */
export function createDevIdpServer(options: DevProviderOptions): Server {
  const provider = createDevProvider(options);
  const { directory } = options;
  const oidc = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return html(res, 400, 'interaction mismatch');
    const clientId = String(details.params.client_id ?? '');
    if (action === '/abort' && req.method === 'POST') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'sign-in cancelled' }, { mergeWithLastSubmission: false });
    }
    if (action === '/login' && req.method === 'POST') {
      const login = (await formBody(req)).get('username')?.trim() ?? '';
      const person = login ? await directory.byLogin(login) : null;
      if (!person || person.status === 'terminated') {
        const problem = person ? `${login} is terminated and cannot sign in` : `No identity named "${login}" in the system of record`;
        return html(res, 200, loginPage(uid, clientId, await directory.list(), problem));
      }
      return provider.interactionFinished(req, res, { login: { accountId: person.key } }, { mergeWithLastSubmission: false });
    }
    if (req.method !== 'GET') return html(res, 405, 'method not allowed');
    if (details.prompt.name === 'login') return html(res, 200, loginPage(uid, clientId, await directory.list()));
    // Consent is implied for the first-party clients (see loadExistingGrant); finish any other prompt.
    return provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
  }

  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const match = INTERACTION.exec(path);
    if (!match) return void oidc(req, res);
    interaction(req, res, match[1], match[2]).catch((err: unknown) => {
      if (!res.headersSent) html(res, 400, `sign-in failed: ${escapeHtml(err instanceof Error ? err.message : String(err))}`);
    });
  });
}
