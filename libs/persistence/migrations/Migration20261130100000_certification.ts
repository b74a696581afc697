import { Migration } from '@mikro-orm/migrations';

/**
 * Access certification campaigns (issue 13, ADR 060): the campaign, its items (a snapshot of
 * access at launch, one row per access assignment and system, written in bulk), each reviewer's
 * sign-off, and recurring schedules (the Temporal Schedule is the clock; this row is the record).
 * Forward-only.
 *
 * Items copy what the reviewer saw (role, entitlements, provenance, approvers, grant date, flags)
 * instead of referencing live rows: the evidence must show the access as it was at launch.
 * Campaign ids are text: a scheduled run's id is derived from its workflow id.
 */
export class Migration20261130100000Certification extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE certification_campaign (
        id                text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9:._-]{0,159}$'),
        name              text        NOT NULL CHECK (name <> ''),
        status            text        NOT NULL CHECK (status IN ('generating', 'active', 'remediating', 'completed', 'cancelled')),
        scope_type        text        NOT NULL CHECK (scope_type IN ('manager', 'system', 'role', 'all')),
        scope_key         text,
        reviewer_kind     text        NOT NULL CHECK (reviewer_kind IN ('manager', 'system_owner', 'role_owner')),
        fallback_reviewer text        NOT NULL,
        due_at            timestamptz NOT NULL,
        deadline_policy   text        NOT NULL CHECK (deadline_policy IN ('escalate', 'revoke', 'keep')),
        schedule_id       text,
        workflow_id       text        NOT NULL UNIQUE,
        created_by        text        NOT NULL,
        created_by_name   text        NOT NULL,
        outcome           text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        activated_at      timestamptz,
        review_closed_at  timestamptz,
        completed_at      timestamptz,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CHECK ((scope_type = 'all') = (scope_key IS NULL))
      );`);
    this.addSql(`CREATE INDEX certification_campaign_created_idx ON certification_campaign (created_at DESC, id DESC);`);
    this.addSql(`CREATE INDEX certification_campaign_schedule_idx ON certification_campaign (schedule_id) WHERE schedule_id IS NOT NULL;`);

    this.addSql(`
      CREATE TABLE certification_item (
        id                uuid        PRIMARY KEY,
        campaign_id       text        NOT NULL REFERENCES certification_campaign (id),
        assignment_id     uuid        NOT NULL,
        identity_key      text        NOT NULL,
        identity_name     text        NOT NULL,
        role_key          text        NOT NULL,
        role_version      integer     NOT NULL,
        system_key        text        NOT NULL,
        entitlements      jsonb       NOT NULL,
        provenance        text        NOT NULL CHECK (provenance IN ('request', 'imported')),
        request_id        uuid,
        approved_by       text[]      NOT NULL DEFAULT '{}',
        granted_at        timestamptz NOT NULL,
        flags             text[]      NOT NULL DEFAULT '{}',
        original_reviewer text        NOT NULL,
        reviewer          text        NOT NULL,
        routing           text        NOT NULL,
        escalation_level  integer     NOT NULL DEFAULT 0,
        status            text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'certified', 'revoked', 'not_reviewed')),
        decided_by        text,
        decided_by_name   text,
        decided_at        timestamptz,
        comment           text,
        signed_off_at     timestamptz,
        task_id           uuid,
        UNIQUE (campaign_id, assignment_id, system_key),
        CHECK (reviewer <> identity_key)
      );`);
    this.addSql(`CREATE INDEX certification_item_reviewer_idx ON certification_item (campaign_id, reviewer, status);`);
    this.addSql(`CREATE INDEX certification_item_status_idx ON certification_item (campaign_id, status);`);
    this.addSql(`CREATE INDEX certification_item_identity_idx ON certification_item (campaign_id, identity_key, id);`);
    this.addSql(`CREATE INDEX certification_item_task_idx ON certification_item (task_id) WHERE task_id IS NOT NULL;`);

    this.addSql(`
      CREATE TABLE certification_reviewer (
        campaign_id   text        NOT NULL REFERENCES certification_campaign (id),
        reviewer      text        NOT NULL,
        signed_off_at timestamptz,
        reminders     integer     NOT NULL DEFAULT 0,
        PRIMARY KEY (campaign_id, reviewer)
      );`);

    this.addSql(`
      CREATE TABLE certification_schedule (
        id          text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
        name        text        NOT NULL CHECK (name <> ''),
        cron        text,
        every       text,
        campaign    jsonb       NOT NULL,
        review_days integer     NOT NULL CHECK (review_days BETWEEN 1 AND 365),
        created_by  text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        deleted_at  timestamptz,
        CHECK ((cron IS NULL) <> (every IS NULL))
      );`);
  }
}
