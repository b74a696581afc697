import { Migration } from '@mikro-orm/migrations';

/**
 * The system of record's catalog: target systems and their entitlements, roles with immutable
 * versions, SoD rules, import batches and access assignments with provenance. Forward-only.
 *
 * References the catalog cannot express as foreign keys (owners arrays, entitlements inside a
 * role version's jsonb, SoD rule sets) are checked by `libs/catalog` before every write.
 * Foreign keys are deferred to commit: entities hold flat keys, so the unit of work does not
 * order inserts by reference, and bulk imports insert tables in any order.
 */
export class Migration20261127080000Catalog extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE target_system (
        key                   text        PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
        name                  text        NOT NULL CHECK (name <> ''),
        owners                text[]      NOT NULL DEFAULT '{}',
        channel               text        NOT NULL CHECK (channel IN ('queue', 'webhook', 'email')),
        target                text,
        deprovision_sla_hours integer     NOT NULL DEFAULT 8 CHECK (deprovision_sla_hours BETWEEN 0 AND 8760),
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        CHECK ((channel = 'queue') = (target IS NULL))
      );`);
    this.addSql(`
      CREATE TABLE entitlement (
        system_key  text    NOT NULL REFERENCES target_system (key) DEFERRABLE INITIALLY DEFERRED,
        key         text    NOT NULL CHECK (key ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
        name        text    NOT NULL CHECK (name <> ''),
        privileged  boolean NOT NULL DEFAULT false,
        PRIMARY KEY (system_key, key)
      );`);

    this.addSql(`
      CREATE TABLE role (
        key            text        PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
        latest_version integer     NOT NULL CHECK (latest_version >= 1),
        created_at     timestamptz NOT NULL DEFAULT now()
      );`);
    this.addSql(`
      CREATE TABLE role_version (
        role_key        text        NOT NULL REFERENCES role (key) DEFERRABLE INITIALLY DEFERRED,
        version         integer     NOT NULL CHECK (version >= 1),
        name            text        NOT NULL CHECK (name <> ''),
        description     text        NOT NULL DEFAULT '',
        owner           text        NOT NULL REFERENCES identity (key) DEFERRABLE INITIALLY DEFERRED,
        risk            text        NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
        entitlements    jsonb       NOT NULL,
        approval_policy jsonb       NOT NULL,
        created_by      text        NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (role_key, version)
      );`);
    // A version, once written, is what requests were approved against: it never changes.
    this.addSql(`
      CREATE FUNCTION role_version_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'role_version is immutable: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;`);
    this.addSql(`
      CREATE TRIGGER role_version_immutable BEFORE UPDATE OR DELETE ON role_version
      FOR EACH ROW EXECUTE FUNCTION role_version_refuse_change();`);
    this.addSql(`REVOKE UPDATE, DELETE, TRUNCATE ON role_version FROM jml_app;`);

    this.addSql(`
      CREATE TABLE sod_rule (
        key         text        PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
        name        text        NOT NULL CHECK (name <> ''),
        description text        NOT NULL DEFAULT '',
        severity    text        NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        action      text        NOT NULL CHECK (action IN ('block', 'require_dual_approval')),
        sets        jsonb       NOT NULL,
        revision    integer     NOT NULL DEFAULT 1,
        retired_at  timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );`);

    this.addSql(`
      CREATE TABLE import_batch (
        id          uuid        PRIMARY KEY,
        digest      text        NOT NULL,
        actor_id    text        NOT NULL,
        counts      jsonb       NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      );`);

    this.addSql(`
      CREATE TABLE access_assignment (
        id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        identity_key       text        NOT NULL REFERENCES identity (key) DEFERRABLE INITIALLY DEFERRED,
        role_key           text        NOT NULL,
        role_version       integer     NOT NULL,
        entitlements       jsonb       NOT NULL,
        provenance         text        NOT NULL CHECK (provenance IN ('request', 'imported')),
        request_id         uuid        REFERENCES request (id) DEFERRABLE INITIALLY DEFERRED,
        approved_by        text[]      NOT NULL DEFAULT '{}',
        approved_at        timestamptz,
        task_ids           text[]      NOT NULL DEFAULT '{}',
        import_batch_id    uuid        REFERENCES import_batch (id) DEFERRABLE INITIALLY DEFERRED,
        granted_at         timestamptz NOT NULL,
        status             text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
        revoked_at         timestamptz,
        revoked_by_request uuid        REFERENCES request (id) DEFERRABLE INITIALLY DEFERRED,
        revoke_reason      text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (role_key, role_version) REFERENCES role_version (role_key, version) DEFERRABLE INITIALLY DEFERRED,
        CHECK (provenance <> 'request' OR request_id IS NOT NULL),
        CHECK (provenance <> 'imported' OR import_batch_id IS NOT NULL),
        CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
      );`);
    this.addSql(`CREATE UNIQUE INDEX access_assignment_active_idx ON access_assignment (identity_key, role_key) WHERE status = 'active';`);
    this.addSql(`CREATE INDEX access_assignment_identity_idx ON access_assignment (identity_key, granted_at);`);
    this.addSql(`CREATE INDEX access_assignment_role_idx ON access_assignment (role_key, role_version);`);
    this.addSql(`CREATE INDEX access_assignment_request_idx ON access_assignment (request_id) WHERE request_id IS NOT NULL;`);
    this.addSql(`CREATE INDEX identity_department_idx ON identity (department);`);
  }
}
