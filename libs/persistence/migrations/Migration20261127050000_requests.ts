import { Migration } from '@mikro-orm/migrations';

/**
 * Requests (joiner, mover, leaver), their approval steps and named decisions, downstream tasks
 * (one per system and action, shared by every workflow kind), and the workflow outbox that
 * carries workflow starts and signals to Temporal after the database commit. Forward-only.
 *
 * Catalog keys (systems, roles) are plain text, not foreign keys: a request records what was
 * asked and approved at the time, and stays readable if the catalog entry is later retired.
 */
export class Migration20261127050000Requests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE request (
        id              uuid        PRIMARY KEY,
        kind            text        NOT NULL CHECK (kind IN ('joiner', 'mover', 'leaver')),
        status          text        NOT NULL CHECK (status IN ('scheduled', 'pending_approval', 'rejected', 'provisioning', 'completed', 'cancelled')),
        identity_key    text        NOT NULL REFERENCES identity (key) DEFERRABLE INITIALLY DEFERRED,
        requester_type  text        NOT NULL CHECK (requester_type IN ('identity', 'client', 'system')),
        requester_id    text        NOT NULL,
        requester_name  text        NOT NULL,
        justification   text,
        roles           jsonb       NOT NULL DEFAULT '[]',
        remove_roles    jsonb       NOT NULL DEFAULT '[]',
        changes         jsonb       NOT NULL DEFAULT '{}',
        diff            jsonb       NOT NULL DEFAULT '{"add": [], "remove": []}',
        sod_findings    jsonb       NOT NULL DEFAULT '[]',
        outcome         text,
        workflow_id     text        NOT NULL UNIQUE,
        effective_at    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        completed_at    timestamptz
      );`);
    this.addSql(`CREATE INDEX request_identity_idx ON request (identity_key, created_at DESC);`);
    this.addSql(`CREATE INDEX request_requester_idx ON request (requester_id, created_at DESC);`);
    this.addSql(`CREATE INDEX request_status_idx ON request (status, created_at DESC);`);

    this.addSql(`
      CREATE TABLE approval_step (
        id                  uuid        PRIMARY KEY,
        request_id          uuid        NOT NULL REFERENCES request (id),
        step                int         NOT NULL CHECK (step >= 1),
        label               text        NOT NULL,
        approver_kind       text        NOT NULL,
        required            int         NOT NULL DEFAULT 1 CHECK (required IN (1, 2)),
        eligible_approvers  jsonb       NOT NULL DEFAULT '[]',
        status              text        NOT NULL CHECK (status IN ('waiting', 'pending', 'approved', 'rejected', 'cancelled')),
        escalation_level    int         NOT NULL DEFAULT 0,
        reminders_sent      int         NOT NULL DEFAULT 0,
        opened_at           timestamptz,
        due_at              timestamptz,
        closed_at           timestamptz,
        UNIQUE (request_id, step)
      );`);
    this.addSql(`CREATE INDEX approval_step_pending_idx ON approval_step (status) WHERE status = 'pending';`);

    this.addSql(`
      CREATE TABLE approval_decision (
        id             uuid        PRIMARY KEY,
        request_id     uuid        NOT NULL REFERENCES request (id),
        step           int         NOT NULL,
        approver       text        NOT NULL,
        approver_name  text        NOT NULL,
        decision       text        NOT NULL CHECK (decision IN ('approve', 'reject')),
        comment        text        NOT NULL DEFAULT '',
        decided_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (request_id, step, approver)
      );`);

    this.addSql(`
      CREATE TABLE task (
        id                 uuid        PRIMARY KEY,
        request_id         uuid        NOT NULL REFERENCES request (id),
        workflow_id        text        NOT NULL,
        identity_key       text        NOT NULL,
        system_key         text        NOT NULL,
        action             text        NOT NULL CHECK (action IN ('grant', 'revoke')),
        entitlements       jsonb       NOT NULL DEFAULT '[]',
        status             text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
        due_at             timestamptz NOT NULL,
        urgent             boolean     NOT NULL DEFAULT false,
        channel            text        NOT NULL,
        external_ref       text,
        delivery_attempts  int         NOT NULL DEFAULT 0,
        delivered_at       timestamptz,
        completed_by       text,
        completed_by_name  text,
        completed_at       timestamptz,
        note               text,
        escalation_level   int         NOT NULL DEFAULT 0,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (request_id, system_key, action)
      );`);
    this.addSql(`CREATE INDEX task_system_status_idx ON task (system_key, status, due_at);`);
    this.addSql(`CREATE INDEX task_open_due_idx ON task (due_at) WHERE status = 'open';`);
    this.addSql(`CREATE INDEX task_identity_idx ON task (identity_key);`);
    this.addSql(`CREATE INDEX task_external_ref_idx ON task (external_ref) WHERE external_ref IS NOT NULL;`);

    this.addSql(`
      CREATE TABLE workflow_outbox (
        id               bigserial   PRIMARY KEY,
        kind             text        NOT NULL CHECK (kind IN ('start', 'signal')),
        workflow_id      text        NOT NULL,
        payload          jsonb       NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        attempts         int         NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        delivered_at     timestamptz,
        last_error       text
      );`);
    this.addSql(`CREATE INDEX workflow_outbox_undelivered_idx ON workflow_outbox (next_attempt_at, id) WHERE delivered_at IS NULL;`);
  }
}
