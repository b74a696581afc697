import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface DevIdpSecrets {
  /** Private signing keys as JWKs (RS256), newest first. */
  keys: Array<Record<string, unknown>>;
  /** Keys for the IdP's own cookies. */
  cookieKeys: string[];
}

/**
 * Signing keys and cookie keys live in `<dir>/secrets.json` (mode 0600) so tokens issued before a
 * restart still verify afterwards. Created on first use.
 */
export function loadOrCreateSecrets(dir: string): DevIdpSecrets {
  const file = join(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevIdpSecrets;
  mkdirSync(dir, { recursive: true });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  const secrets: DevIdpSecrets = { keys: [jwk], cookieKeys: [randomBytes(32).toString('base64url')] };
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs, so both sign with the same key.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(readFileSync(file, 'utf8')) as DevIdpSecrets;
    throw err;
  }
  return secrets;
}

/** The path of the secrets file (tests read the private key to forge tokens the API must refuse). */
export function secretsFile(dir: string): string {
  return join(dir, 'secrets.json');
}
