import { escapeHtml } from './provider';
import type { DirectoryPerson } from './directory';

/**
 * The dev IdP's login page: pick or type a username of the system of record. No password: this is
 * a development stand-in for the organisation's IdP and never runs in production.
 */
export function loginPage(uid: string, clientId: string, people: DirectoryPerson[], problem?: string): string {
  const options = people
    .map((p) => `<option value="${escapeHtml(p.username)}">${escapeHtml(p.name)} (${escapeHtml(p.key)})</option>`)
    .join('');
  const list = people
    .map((p) => `<li><button type="submit" name="username" value="${escapeHtml(p.username)}">${escapeHtml(p.username)}</button> ${escapeHtml(p.name)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Development sign-in</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto}li{margin:.2rem 0}.problem{color:#b00}</style></head>
<body>
<h1>Development sign-in</h1>
<p>Signing in to <strong>${escapeHtml(clientId)}</strong>. Development IdP: choose any identity of the system of record; no password.</p>
${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
<form id="login" method="post" action="/interaction/${escapeHtml(uid)}/login">
  <label>Username or email <input name="username" list="people" autofocus required></label>
  <datalist id="people">${options}</datalist>
  <button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${escapeHtml(uid)}/login"><ul>${list}</ul></form>
</body></html>`;
}
