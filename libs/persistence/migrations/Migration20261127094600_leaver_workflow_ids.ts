import { Migration } from '@mikro-orm/migrations';

/**
 * A leaver's workflow id is `leaver-<identityKey>` (SPEC 5): readable, and the one-leaver-per-
 * identity lock. A cancelled leaver must not block a later one, so `request.workflow_id` is
 * unique among OPEN requests only: the database then refuses a second running leaver too.
 * Joiner and mover ids embed the request id and stay unique anyway. Forward-only.
 */
export class Migration20261127094600LeaverWorkflowIds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE request DROP CONSTRAINT IF EXISTS request_workflow_id_key;`);
    this.addSql(`CREATE INDEX request_workflow_id_idx ON request (workflow_id);`);
    this.addSql(`
      CREATE UNIQUE INDEX request_open_workflow_id_idx ON request (workflow_id)
       WHERE status IN ('scheduled', 'pending_approval', 'provisioning');`);
  }
}
