import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { JWTPayload } from 'jose';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import type { IdentityStatus } from '../../../../libs/identity/identity.entity';
import { APP_ROLES, type AppRole } from '../../../../libs/auth/app-roles';
import type { Principal } from './policy';

/** Claims that name a person, in the order they are tried (dev IdP, Keycloak, Okta, Entra ID). */
const PERSON_CLAIMS = ['preferred_username', 'username', 'upn', 'email'] as const;
/** Claims that name the OAuth client of a client-credentials token. */
const CLIENT_CLAIMS = ['client_id', 'azp', 'appid', 'cid'] as const;

/** An identity as sign-in needs it, with the internal roles assigned to it. */
interface PersonRow {
  key: string;
  username: string;
  name: string;
  status: IdentityStatus;
  roles: AppRole[];
}

/**
 * One round trip per call: the identity and its assigned roles (the guard runs this on every
 * request, so roles are never stale).
 */
const PERSON_COLUMNS = `i.key, i.username, i.name, i.status,
  ARRAY(SELECT a.role FROM app_role_assignment a WHERE a.identity_key = i.key) AS roles`;
const BY_KEY = `SELECT ${PERSON_COLUMNS} FROM identity i WHERE i.key = ?`;
/**
 * Param: a JSON array of lower-cased names. A username match wins over an email match, then the
 * order of the names. Filtered with `= ANY` on the lower() unique indexes, so it is two index
 * lookups on every request; the join on the names it replaces read every identity (20 ms at
 * 20,000 people, on every API call made with a token).
 */
export const PERSON_BY_NAMES = `
  WITH n AS (SELECT ARRAY(SELECT jsonb_array_elements_text(?::jsonb)) AS names)
  SELECT ${PERSON_COLUMNS},
         (lower(i.username) <> ALL (n.names))::int AS by_email,
         array_position(n.names, CASE WHEN lower(i.username) = ANY (n.names) THEN lower(i.username) ELSE lower(i.email) END) AS ord
    FROM n, identity i
   WHERE lower(i.username) = ANY (n.names) OR lower(i.email) = ANY (n.names)
   ORDER BY by_email, ord
   LIMIT 1`;

/** What a browser session remembers about its person (roles are reloaded on every request). */
export interface SessionPerson {
  identityKey: string;
  groups: string[];
}

/**
 * Turns verified token claims into the caller: a person mapped to an identity of the system of
 * record (by username or email, case-insensitive) with the internal roles assigned to it, or an
 * integration client with the roles configured for its client id.
 */
@Injectable()
export class PrincipalService {
  constructor(
    private readonly em: EntityManager,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Person-naming claim values of a token, lower-cased, most specific first. */
  static personNames(claims: JWTPayload): string[] {
    const names = PERSON_CLAIMS.map((c) => claims[c]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    return [...new Set(names.map((n) => n.trim().toLowerCase()))];
  }

  static groups(claims: JWTPayload, claim: string | undefined): string[] {
    const value = claim ? claims[claim] : undefined;
    return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
  }

  async fromAccessToken(claims: JWTPayload): Promise<Principal> {
    const clientId = CLIENT_CLAIMS.map((c) => claims[c]).find((v): v is string => typeof v === 'string');
    // A configured integration client is one even when its IdP adds a username claim (Keycloak's
    // service-account-<client>); such clients use client credentials, never a person's sign-in.
    if (clientId && this.config.oidc.clientRoles[clientId]) return this.client(clientId);
    const names = PrincipalService.personNames(claims);
    if (names.length > 0) return this.person(await this.identityByNames(names), PrincipalService.groups(claims, this.config.oidc.groupsClaim));
    if (!clientId) throw new ForbiddenException('The token names neither a person nor an OAuth client');
    return this.client(clientId);
  }

  /** For the sign-in callback: the identity an ID token names. */
  async sessionPersonFromIdToken(claims: JWTPayload): Promise<SessionPerson> {
    const names = PrincipalService.personNames(claims);
    if (names.length === 0) throw new ForbiddenException('The ID token carries no username or email claim (request the profile and email scopes)');
    const identity = await this.identityByNames(names);
    this.assertMaySignIn(identity);
    return { identityKey: identity.key, groups: PrincipalService.groups(claims, this.config.oidc.groupsClaim) };
  }

  async fromSession(person: SessionPerson): Promise<Principal> {
    const [identity] = await this.em.getConnection().execute<PersonRow[]>(BY_KEY, [person.identityKey], 'all');
    if (!identity) throw new ForbiddenException('The signed-in identity no longer exists in the system of record');
    return this.person(identity, person.groups);
  }

  client(clientId: string): Principal {
    const roles = this.config.oidc.clientRoles[clientId];
    if (!roles || roles.length === 0) {
      throw new ForbiddenException(`Integration client "${clientId}" is not mapped to any role of this service (OIDC_CLIENT_ROLES)`);
    }
    return { kind: 'client', identityKey: null, username: clientId, displayName: `integration ${clientId}`, roles: [...roles], clientId };
  }

  private person(identity: PersonRow, groups: string[]): Principal {
    this.assertMaySignIn(identity);
    const fromGroups = groups.flatMap((g) => this.config.oidc.groupRoles[g] ?? []);
    const held = new Set<AppRole>([...identity.roles, ...fromGroups]);
    return {
      kind: 'person',
      identityKey: identity.key,
      username: identity.username,
      displayName: identity.name,
      roles: APP_ROLES.filter((r) => held.has(r)),
    };
  }

  private assertMaySignIn(identity: PersonRow): void {
    if (identity.status === 'terminated') {
      throw new ForbiddenException(`Identity ${identity.key} (${identity.username}) is terminated and may not use this service`);
    }
  }

  private async identityByNames(names: string[]): Promise<PersonRow> {
    const [identity] = await this.em.getConnection().execute<PersonRow[]>(PERSON_BY_NAMES, [JSON.stringify(names)], 'all');
    if (!identity) {
      throw new ForbiddenException(
        `Signed in as "${names[0]}", but no identity of the system of record has that username or email; ask an administrator to add you`,
      );
    }
    return identity;
  }
}
