import { Migration } from '@mikro-orm/migrations';

/**
 * The tool's own access control: internal role assignments (granted by admins, audited in the
 * ledger) and the browser sessions, kept in the database so any API process can serve any
 * request. Forward-only.
 */
export class Migration20261127070000AppRoles extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE app_role_assignment (
        identity_key text        NOT NULL REFERENCES identity (key),
        role         text        NOT NULL CHECK (role IN ('requester', 'approver', 'system_owner', 'hr', 'admin', 'auditor')),
        granted_by   text        NOT NULL,
        granted_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (identity_key, role)
      );`);
    this.addSql(`
      CREATE TABLE http_session (
        sid        text        PRIMARY KEY,
        sess       jsonb       NOT NULL,
        expires_at timestamptz NOT NULL
      );`);
    this.addSql(`CREATE INDEX http_session_expires_at_idx ON http_session (expires_at);`);
  }
}
