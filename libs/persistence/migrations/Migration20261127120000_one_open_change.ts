import { Migration } from '@mikro-orm/migrations';

/**
 * At most one open joiner or mover request per identity. Intake counts open requests first (for
 * a clear 409), but two concurrent POSTs both count zero; this index makes the second one fail at
 * commit instead of leaving two open changes of one person. Forward-only.
 */
export class Migration20261127120000OneOpenChange extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE UNIQUE INDEX request_one_open_change_idx ON request (identity_key)
       WHERE kind IN ('joiner', 'mover') AND status IN ('scheduled', 'pending_approval', 'provisioning');`);
  }
}
