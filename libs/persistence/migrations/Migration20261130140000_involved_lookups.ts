import { Migration } from '@mikro-orm/migrations';

/**
 * The index a non-admin's request list needs to find the requests where they are an eligible
 * approver without reading every approval step (ADR 180): `eligible_approvers @> '["key"]'`.
 * Forward-only.
 */
export class Migration20261130140000InvolvedLookups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE INDEX approval_step_eligible_idx ON approval_step USING gin (eligible_approvers jsonb_path_ops);`);
  }
}
