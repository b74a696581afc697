import { Migration } from '@mikro-orm/migrations';

/**
 * A leaver's revoke phase is `deprovisioning` (SPEC 7), not `provisioning`: the status is added,
 * open leavers are renamed, and the partial unique indexes that define "open" include it (one
 * open leaver per workflow id `leaver-<identityKey>`). Forward-only.
 */
export class Migration20261130110000Deprovisioning extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE request DROP CONSTRAINT request_status_check;`);
    this.addSql(`
      ALTER TABLE request ADD CONSTRAINT request_status_check
        CHECK (status IN ('scheduled', 'pending_approval', 'rejected', 'provisioning', 'deprovisioning', 'completed', 'cancelled'));`);
    this.addSql(`UPDATE request SET status = 'deprovisioning' WHERE kind = 'leaver' AND status = 'provisioning';`);
    this.addSql(`DROP INDEX request_open_workflow_id_idx;`);
    this.addSql(`
      CREATE UNIQUE INDEX request_open_workflow_id_idx ON request (workflow_id)
       WHERE status IN ('scheduled', 'pending_approval', 'provisioning', 'deprovisioning');`);
  }
}
