import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { AppRole } from './app-roles';

/**
 * One internal role of the tool held by one identity. Changed only through the admin API (or the
 * bootstrap of BOOTSTRAP_ADMINS), each grant and removal audited in the same transaction.
 */
@Entity({ tableName: 'app_role_assignment' })
export class AppRoleAssignment {
  @PrimaryKey({ type: 'text' })
  identityKey: string;

  @PrimaryKey({ type: 'text' })
  role: AppRole;

  /** Actor id of whoever granted it (an identity key, or `system:api` for the bootstrap). */
  @Property({ type: 'text' })
  grantedBy: string;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  grantedAt: Date = new Date();

  constructor(identityKey: string, role: AppRole, grantedBy: string) {
    this.identityKey = identityKey;
    this.role = role;
    this.grantedBy = grantedBy;
  }
}
