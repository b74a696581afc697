import { Migration } from '@mikro-orm/migrations';

/**
 * The service role, its default privileges, and the append-only audit ledger.
 *
 * Forward-only: once shipped, this file is never edited; later changes get a new migration.
 * The hash payload rule here is mirrored by `libs/audit/chain.ts` (verification); a test writes
 * rows through this trigger and verifies them there, so the two cannot drift silently.
 */
export class Migration20261126000000Ledger extends Migration {
  override async up(): Promise<void> {
    // The role the api and worker log in as (or are members of). Creating it needs CREATEROLE;
    // on a managed database where the migrator lacks it, an operator creates it beforehand.
    this.addSql(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jml_app') THEN
          CREATE ROLE jml_app NOLOGIN;
        END IF;
      END $$;`);
    this.addSql(`GRANT USAGE ON SCHEMA public TO jml_app;`);
    this.addSql(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO jml_app;`,
    );
    this.addSql(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO jml_app;`,
    );

    this.addSql(`CREATE SEQUENCE audit_event_seq AS bigint;`);
    this.addSql(`
      CREATE TABLE audit_event (
        seq             bigint      PRIMARY KEY,
        id              uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
        occurred_at     timestamptz NOT NULL,
        actor_type      text        NOT NULL CHECK (actor_type IN ('identity', 'client', 'system')),
        actor_id        text        NOT NULL CHECK (actor_id <> ''),
        actor_name      text        NOT NULL,
        action          text        NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]*$'),
        subject_type    text        NOT NULL CHECK (subject_type <> ''),
        subject_id      text        NOT NULL CHECK (subject_id <> ''),
        request_id      text,
        campaign_id     text,
        workflow_id     text,
        details         jsonb       NOT NULL DEFAULT '{}'::jsonb,
        idempotency_key text        NOT NULL UNIQUE CHECK (idempotency_key <> ''),
        prev_hash       text        NOT NULL,
        hash            text        NOT NULL
      );`);
    this.addSql(`CREATE INDEX audit_event_subject_idx ON audit_event (subject_type, subject_id, seq);`);
    this.addSql(`CREATE INDEX audit_event_actor_idx ON audit_event (actor_id, seq);`);
    this.addSql(`CREATE INDEX audit_event_action_idx ON audit_event (action, seq);`);
    this.addSql(`CREATE INDEX audit_event_request_idx ON audit_event (request_id, seq) WHERE request_id IS NOT NULL;`);
    this.addSql(`CREATE INDEX audit_event_campaign_idx ON audit_event (campaign_id, seq) WHERE campaign_id IS NOT NULL;`);
    this.addSql(`CREATE INDEX audit_event_occurred_idx ON audit_event (occurred_at);`);

    // Length-prefixed fields (octet length, then ':'), so no value can shift into its neighbour.
    this.addSql(`
      CREATE FUNCTION audit_event_payload(e audit_event) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT string_agg(octet_length(f)::text || ':' || f, '|' ORDER BY n)
        FROM unnest(ARRAY[
          e.seq::text,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          e.actor_type, e.actor_id, e.actor_name, e.action, e.subject_type, e.subject_id,
          coalesce(e.request_id, ''), coalesce(e.campaign_id, ''), coalesce(e.workflow_id, ''),
          e.idempotency_key, e.details::text, e.prev_hash
        ]) WITH ORDINALITY AS t(f, n)
      $$;`);

    // One chain under concurrent writers: a transaction-scoped advisory lock serialises the
    // "read the head, append after it" step until the writer commits. Read committed gives each
    // statement a fresh snapshot, so the head read after the lock is the committed head.
    this.addSql(`
      CREATE FUNCTION audit_event_chain() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE head text;
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'audit_event must be written under READ COMMITTED (got %)',
            current_setting('transaction_isolation');
        END IF;
        PERFORM pg_advisory_xact_lock(7361023418834210101);
        SELECT hash INTO head FROM audit_event ORDER BY seq DESC LIMIT 1;
        NEW.seq := nextval('audit_event_seq');
        NEW.occurred_at := clock_timestamp();
        NEW.prev_hash := coalesce(head, repeat('0', 64));
        NEW.hash := encode(sha256(convert_to(audit_event_payload(NEW), 'UTF8')), 'hex');
        RETURN NEW;
      END $$;`);
    this.addSql(`
      CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
      FOR EACH ROW EXECUTE FUNCTION audit_event_chain();`);

    this.addSql(`
      CREATE FUNCTION audit_event_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;`);
    this.addSql(`
      CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
      FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();`);
    this.addSql(`
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
      FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();`);

    this.addSql(`REVOKE ALL ON audit_event FROM jml_app;`);
    this.addSql(`GRANT SELECT, INSERT ON audit_event TO jml_app;`);
    this.addSql(`REVOKE ALL ON SEQUENCE audit_event_seq FROM jml_app;`);
    this.addSql(`GRANT USAGE ON SEQUENCE audit_event_seq TO jml_app;`);

    // A small table for the operator's end-to-end probe workflow (a synthetic check that the
    // worker, the database and the ledger are wired together).
    this.addSql(`
      CREATE TABLE probe (
        id         text        PRIMARY KEY,
        counter    integer     NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );`);
  }
}
