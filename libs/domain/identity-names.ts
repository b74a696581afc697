/**
 * One rule for the usernames and e-mail addresses of identities (ADR 080), applied wherever an
 * identity is written: joiner intake, POST/PUT /identities and the catalog import. They are how a
 * signed-in person is matched to an identity, so two values that look alike must not both exist:
 * - refused, never trimmed or repaired: leading/trailing whitespace, tabs and other control
 *   characters, invisible (zero-width, bidi) characters, and characters outside ASCII (full-width
 *   and other look-alikes), each with a message naming the character;
 * - uniqueness compares the folded form: NFKC normalisation, then case folding.
 */
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const USERNAME_MAX = 128;
const EMAIL_MAX = 320;
// Local part: the dot-atom of RFC 5322 (ASCII); domain: LDH labels with a dot-separated TLD.
export const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// The class lists combining marks (variation selectors) and control characters on purpose.
// eslint-disable-next-line no-misleading-character-class -- each listed mark is refused on its own
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Problems shared by both fields, in the order a person would fix them; null when none. */
function characterProblem(s: string): string | null {
  if (s.length === 0) return 'must not be empty';
  const invisible = INVISIBLE.exec(s);
  if (invisible) return `must not contain invisible characters (${codePoint(invisible[0])})`;
  if (/^\s|\s$/u.test(s)) return 'must not start or end with whitespace';
  const control = CONTROL.exec(s);
  if (control) return `must not contain control characters (${codePoint(control[0])}${control[0] === '\t' ? ', a tab' : ''})`;
  if (/\s/u.test(s)) return 'must not contain whitespace';
  const nonAscii = /[^\x20-\x7E]/u.exec(s);
  if (nonAscii) {
    const folded = nonAscii[0].normalize('NFKC');
    const hint = folded !== nonAscii[0] && /^[\x21-\x7E]+$/.test(folded) ? `, which looks like "${folded}"` : '';
    return `must be plain ASCII: "${nonAscii[0]}" (${codePoint(nonAscii[0])}${hint}) is not`;
  }
  return null;
}

/** Why `s` is not a valid username, or null. */
export function usernameProblem(s: string): string | null {
  const c = characterProblem(s);
  if (c) return c;
  if (s.length > USERNAME_MAX) return `must be at most ${USERNAME_MAX} characters`;
  if (!USERNAME.test(s)) return 'must start with a letter or digit and contain only letters, digits, ".", "_", "@" or "-"';
  return null;
}

/** Why `s` is not a valid e-mail address, or null. */
export function emailProblem(s: string): string | null {
  const c = characterProblem(s);
  if (c) return c;
  if (s.length > EMAIL_MAX) return `must be at most ${EMAIL_MAX} characters`;
  if (!EMAIL.test(s)) return 'must be an e-mail address (local@domain.tld)';
  return null;
}

/** The form two usernames (or e-mails) are compared in for uniqueness: NFKC, then case-folded. */
export function foldIdentityName(s: string): string {
  // Upper then lower approximates full case folding (e.g. "ß" and "SS" meet as "ss").
  return s.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
