import { Migration } from '@mikro-orm/migrations';

/**
 * Who may attest a task when every owner of its system is the task's subject (issue 11 item 8):
 * fixed when the task opens (the owners' manager, else the admins), so the attestation, the task
 * list and the escalation all read the same names. Empty for an ordinary task. Forward-only.
 */
export class Migration20261130120000FallbackAttesters extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE task ADD COLUMN fallback_attesters text[] NOT NULL DEFAULT '{}';`);
    this.addSql(`CREATE INDEX task_fallback_attesters_idx ON task USING gin (fallback_attesters) WHERE fallback_attesters <> '{}';`);
  }
}
