/**
 * Text the system of record can store: PostgreSQL refuses U+0000 in `text` and `jsonb`, and an
 * unpaired UTF-16 surrogate is not a character at all (it would be stored as U+FFFD, silently
 * changing what was sent). Every text input is checked against this at intake (ADR 080).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` cannot be stored as text, or null when it can. */
export function unstorableText(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (it has an unpaired surrogate)';
  return null;
}
