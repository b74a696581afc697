import { Migration } from '@mikro-orm/migrations';

/**
 * Helpdesk callbacks that were accepted (signature valid, timestamp fresh). The primary key is
 * the callback id the helpdesk signed: a second callback with the same id is a replay and is
 * refused. Kept forever, as evidence of who resolved what in the helpdesk. Forward-only.
 */
export class Migration20261127060000TicketCallbacks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE ticket_callback (
        callback_id    text        PRIMARY KEY CHECK (callback_id <> '' AND length(callback_id) <= 200),
        task_id        uuid        NOT NULL,
        signed_at      timestamptz NOT NULL,
        resolver_name  text        NOT NULL,
        resolver_email text,
        external_ref   text,
        note           text,
        received_at    timestamptz NOT NULL DEFAULT now()
      );`);
    this.addSql(`CREATE INDEX ticket_callback_task_idx ON ticket_callback (task_id);`);
  }
}
