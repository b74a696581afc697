import { Migration } from '@mikro-orm/migrations';

/** Identities of the system of record (what sign-in maps people to). Forward-only. */
export class Migration20261126010000Identity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE identity (
        key         text        PRIMARY KEY CHECK (key ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
        username    text        NOT NULL UNIQUE CHECK (username <> ''),
        email       text        UNIQUE,
        name        text        NOT NULL CHECK (name <> ''),
        department  text,
        title       text,
        manager     text        REFERENCES identity (key) DEFERRABLE INITIALLY DEFERRED,
        status      text        NOT NULL DEFAULT 'active' CHECK (status IN ('pending', 'active', 'terminated')),
        start_date  date,
        end_date    date,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (manager IS NULL OR manager <> key)
      );`);
    this.addSql(`CREATE INDEX identity_manager_idx ON identity (manager);`);
    this.addSql(`CREATE UNIQUE INDEX identity_username_lower_idx ON identity (lower(username));`);
    this.addSql(`CREATE UNIQUE INDEX identity_email_lower_idx ON identity (lower(email)) WHERE email IS NOT NULL;`);
  }
}
