// `npm run token -- <username>`: prints a bearer token for that identity, obtained from the
// running development IdP through a real authorization-code flow with PKCE (its login page, then
// the token endpoint). `npm run token -- --client hr-system`: a client-credentials token.
// Try it: curl -H "Authorization: Bearer $(npm run -s token -- admin)" http://localhost:3000/api/v1/me
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: npm run token -- <username|email> [--id-token]\n       npm run token -- --client <hr-system|helpdesk>';

const args = process.argv.slice(2);
const clientAt = args.indexOf('--client');
const wantIdToken = args.includes('--id-token');
const positional = args.filter((a, i) => !a.startsWith('--') && (clientAt < 0 || i !== clientAt + 1));
const clientId = clientAt >= 0 ? args[clientAt + 1] : undefined;
if (args.includes('--help') || (clientAt >= 0 && !clientId) || (clientAt < 0 && positional.length !== 1)) {
  process.stderr.write(`${usage}\n`);
  process.exit(args.includes('--help') ? 0 : 64);
}

if (process.env.OIDC_ISSUER && !process.env.DEV_IDP_ISSUER) {
  process.stderr.write('OIDC_ISSUER is set: tokens come from your organisation\'s IdP, not from this script (it drives the development IdP only).\n');
  process.exit(64);
}
const issuer = process.env.DEV_IDP_ISSUER ?? `http://localhost:${process.env.DEV_IDP_PORT ?? 4400}`;

const compiled = join(root, 'dist/libs/auth/dev-tokens.js');
if (!existsSync(compiled)) {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const { personTokens, integrationToken } = createRequire(import.meta.url)(compiled);

try {
  if (clientId) {
    process.stdout.write(`${await integrationToken(issuer, clientId)}\n`);
  } else {
    const tokens = await personTokens(issuer, positional[0]);
    process.stdout.write(`${wantIdToken ? tokens.idToken : tokens.accessToken}\n`);
  }
} catch (err) {
  const reason = err?.cause?.code === 'ECONNREFUSED' ? `the development IdP is not running at ${issuer} (start it with npm start)` : err?.message ?? String(err);
  process.stderr.write(`token: ${reason}\n`);
  process.exit(1);
}
