import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import type { Config } from '../../libs/config/config';
import type { AppRole } from '../../libs/auth/app-roles';
import { integrationToken, personTokens, type PersonTokens } from '../../libs/auth/dev-tokens';
import { DEV_WEB_CLIENT, type DevIntegrationClientId } from '../../libs/auth/dev-idp/clients';
import { secretsFile } from '../../libs/auth/dev-idp/keys';
import { startDevIdp } from '../../libs/auth/dev-idp/start-dev-idp';
import { onFreePort } from '../../libs/devstack/ports';
import { services, testConfig, type TestDatabase } from './services';

/** The API audience in tests (what `config.oidc.audience` is). */
export const TEST_AUDIENCE = 'jml-api';

export interface AuthHarness {
  /** A Config for `startApi`: OIDC pointing at this harness's dev IdP, integration clients mapped. */
  config: Config;
  issuer: string;
  /** A bearer access token for `username` (or email), through a real code flow (cached). */
  tokenFor(username: string): Promise<string>;
  /** `{ authorization: 'Bearer …' }` for `username`. */
  authHeader(username: string): Promise<{ authorization: string }>;
  /** Access and ID token of one fresh code flow (not cached). */
  personTokens(username: string): Promise<PersonTokens>;
  /** A client-credentials token: `hr-system` (role hr) or `helpdesk` (role system_owner). */
  clientToken(clientId: DevIntegrationClientId): Promise<string>;
  /** The dev IdP's private signing key (JWK), to forge tokens the API must refuse or accept. */
  signingKey(): Record<string, unknown> & { kid: string };
  stop(): Promise<void>;
}

/**
 * Starts a development IdP (its own process, on a free port) that signs people in from this test
 * database's `identity` table, and returns a Config wired to it. Call `stop()` in afterAll.
 *
 *   const auth = await startAuthHarness(db);
 *   const api = await startApi(auth.config);
 *   await createIdentity(db, { key: 'e1', username: 'alice', roles: ['admin'] });
 *   fetch(`${api.url}/api/v1/me`, { headers: await auth.authHeader('alice') });
 *
 * `env` is passed to `testConfig` last (override anything, e.g. BOOTSTRAP_ADMINS).
 */
export async function startAuthHarness(db: TestDatabase, env: Record<string, string> = {}): Promise<AuthHarness> {
  const keysDir = join(services().dataDir, `dev-idp-${db.name}-${randomUUID().slice(0, 8)}`);
  const idp = await onFreePort((port) =>
    startDevIdp({
      port,
      issuer: `http://127.0.0.1:${port}`,
      databaseUrl: db.serviceUrl,
      audience: env.OIDC_AUDIENCE ?? TEST_AUDIENCE,
      apiPublicUrl: 'http://127.0.0.1',
      keysDir,
      log: process.env.JML_TEST_DEBUG ? (l) => process.stderr.write(`${l}\n`) : undefined,
    }),
  );
  const issuer = idp.issuer;
  const config = testConfig(db, {
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: TEST_AUDIENCE,
    OIDC_CLIENT_ID: DEV_WEB_CLIENT.clientId,
    OIDC_CLIENT_SECRET: DEV_WEB_CLIENT.clientSecret,
    OIDC_CLIENT_ROLES: 'hr-system:hr,helpdesk:system_owner',
    SESSION_SECRET: 'test-session-secret-0123456789',
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    ...env,
  });
  const cache = new Map<string, Promise<string>>();
  const tokenFor = (username: string) => {
    let t = cache.get(username);
    if (!t) {
      t = personTokens(issuer, username).then((x) => x.accessToken);
      t.catch(() => cache.delete(username));
      cache.set(username, t);
    }
    return t;
  };
  return {
    config,
    issuer,
    tokenFor,
    authHeader: async (username) => ({ authorization: `Bearer ${await tokenFor(username)}` }),
    personTokens: (username) => personTokens(issuer, username),
    clientToken: (clientId) => integrationToken(issuer, clientId),
    signingKey: () => JSON.parse(readFileSync(secretsFile(keysDir), 'utf8')).keys[0],
    stop: () => idp.stop(),
  };
}

export interface TestIdentity {
  key: string;
  /** Default: the key. */
  username?: string;
  /** Default: `<username>@example.test`; pass null for none. */
  email?: string | null;
  /** Default: the username. */
  name?: string;
  department?: string | null;
  title?: string | null;
  manager?: string | null;
  status?: 'pending' | 'active' | 'terminated';
  /** Internal roles of the tool, assigned directly (test set-up, not audited). */
  roles?: AppRole[];
}

/**
 * Creates an identity with internal roles directly in the database (test set-up only; the API's
 * PUT /identities/{key}/app-roles is the audited way). Returns the identity key.
 */
export async function createIdentity(db: TestDatabase, identity: TestIdentity): Promise<string> {
  const username = identity.username ?? identity.key;
  const pg = new PgClient({ connectionString: db.serviceUrl });
  await pg.connect();
  try {
    await pg.query('BEGIN');
    await pg.query(
      `INSERT INTO identity (key, username, email, name, department, title, manager, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        identity.key,
        username,
        identity.email === undefined ? `${username}@example.test` : identity.email,
        identity.name ?? username,
        identity.department ?? null,
        identity.title ?? null,
        identity.manager ?? null,
        identity.status ?? 'active',
      ],
    );
    for (const role of identity.roles ?? []) {
      await pg.query(
        `INSERT INTO app_role_assignment (identity_key, role, granted_by) VALUES ($1, $2, 'test-setup')
         ON CONFLICT DO NOTHING`,
        [identity.key, role],
      );
    }
    await pg.query('COMMIT');
  } catch (err) {
    await pg.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await pg.end();
  }
  return identity.key;
}

/** Replaces an identity's internal roles directly in the database (test set-up only). */
export async function setAppRoles(db: TestDatabase, identityKey: string, roles: AppRole[]): Promise<void> {
  const pg = new PgClient({ connectionString: db.serviceUrl });
  await pg.connect();
  try {
    await pg.query('BEGIN');
    await pg.query('DELETE FROM app_role_assignment WHERE identity_key = $1', [identityKey]);
    for (const role of roles) {
      await pg.query(`INSERT INTO app_role_assignment (identity_key, role, granted_by) VALUES ($1, $2, 'test-setup')`, [identityKey, role]);
    }
    await pg.query('COMMIT');
  } catch (err) {
    await pg.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await pg.end();
  }
}
