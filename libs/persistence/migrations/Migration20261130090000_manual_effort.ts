import { Migration } from '@mikro-orm/migrations';

/**
 * Per-system assumptions of the manual-effort report (minutes per manual task, hourly cost). Null
 * means "the configured default" (MANUAL_TASK_MINUTES, MANUAL_HOURLY_COST). Forward-only.
 */
export class Migration20261130090000ManualEffort extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      ALTER TABLE target_system
        ADD COLUMN manual_minutes_per_task double precision CHECK (manual_minutes_per_task BETWEEN 0 AND 10000),
        ADD COLUMN manual_hourly_cost      double precision CHECK (manual_hourly_cost BETWEEN 0 AND 1000000);`);
  }
}
