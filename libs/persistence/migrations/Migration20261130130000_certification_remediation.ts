import { Migration } from '@mikro-orm/migrations';

/**
 * Certification remediation on the one task path (ADR 060): a campaign's revokes for one identity
 * are a `certification` request whose revoke tasks carry the campaign id (so every ledger row of
 * the task path names the campaign). All of a campaign's remediation requests share its workflow
 * id `certification-<campaignId>`, so the one-open-request-per-workflow-id index (the leaver's
 * lock) leaves them out. Forward-only.
 */
export class Migration20261130130000CertificationRemediation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE request DROP CONSTRAINT request_kind_check;`);
    this.addSql(`ALTER TABLE request ADD CONSTRAINT request_kind_check CHECK (kind IN ('joiner', 'mover', 'leaver', 'certification'));`);
    this.addSql(`DROP INDEX request_open_workflow_id_idx;`);
    this.addSql(`
      CREATE UNIQUE INDEX request_open_workflow_id_idx ON request (workflow_id)
       WHERE status IN ('scheduled', 'pending_approval', 'provisioning', 'deprovisioning') AND kind <> 'certification';`);
    this.addSql(`CREATE INDEX request_certification_campaign_idx ON request ((changes->>'campaignId')) WHERE kind = 'certification';`);
    this.addSql(`ALTER TABLE task ADD COLUMN campaign_id text REFERENCES certification_campaign (id);`);
    this.addSql(`CREATE INDEX task_campaign_idx ON task (campaign_id, status) WHERE campaign_id IS NOT NULL;`);
  }
}
