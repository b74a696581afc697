import type { EntityManager } from '@mikro-orm/postgresql';
import { importAccess } from '../../access/access-writer';
import type { AuditActor } from '../../audit/ledger';
import { versionContent } from '../roles.service';
import { sodSets } from '../sod-rules.service';
import type { ImportPlan } from './import-plan';

/**
 * Writes a validated plan with set-based statements: each batch of rows is one JSON parameter
 * expanded by `jsonb_to_recordset`, so 80,000 assignments take a handful of round trips
 * instead of 80,000 (and no per-row ORM bookkeeping).
 */
const CHUNK = 5000;

async function inChunks<T>(rows: T[], fn: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await fn(rows.slice(i, i + CHUNK));
}

export async function applyPlan(tx: EntityManager, plan: ImportPlan, batchId: string, actor: AuditActor): Promise<void> {
  const actorId = actor.id;
  const run = (sql: string, rows: unknown[]) => tx.execute(sql, [JSON.stringify(rows)]);

  const systemRows = (list: ImportPlan['systems']['create']) =>
    list.map((s) => ({ key: s.key, name: s.name, owners: [...new Set(s.owners)], channel: s.channel, target: s.target ?? null, sla: s.deprovisionSlaHours ?? 8 }));
  await inChunks(systemRows(plan.systems.create), (rows) =>
    run(
      `INSERT INTO target_system (key, name, owners, channel, target, deprovision_sla_hours)
       SELECT key, name, ARRAY(SELECT jsonb_array_elements_text(owners)), channel, target, sla
         FROM jsonb_to_recordset(?::jsonb) AS x(key text, name text, owners jsonb, channel text, target text, sla int)`,
      rows,
    ),
  );
  await inChunks(systemRows(plan.systems.update), (rows) =>
    run(
      `UPDATE target_system t SET name = x.name, owners = ARRAY(SELECT jsonb_array_elements_text(x.owners)), channel = x.channel,
              target = x.target, deprovision_sla_hours = x.sla, updated_at = now()
         FROM jsonb_to_recordset(?::jsonb) AS x(key text, name text, owners jsonb, channel text, target text, sla int)
        WHERE t.key = x.key`,
      rows,
    ),
  );
  await inChunks(plan.entitlements, (rows) =>
    run(
      `INSERT INTO entitlement (system_key, key, name, privileged)
       SELECT system, key, name, privileged FROM jsonb_to_recordset(?::jsonb) AS x(system text, key text, name text, privileged boolean)
       ON CONFLICT (system_key, key) DO UPDATE SET name = EXCLUDED.name, privileged = EXCLUDED.privileged`,
      rows,
    ),
  );

  const people = (list: ImportPlan['identities']['create']) =>
    list.map((i) => ({
      key: i.key, username: i.username, email: i.email ?? null, name: i.name, department: i.department ?? null, title: i.title ?? null,
      manager: i.manager ?? null, status: i.status ?? 'active', start_date: i.startDate ?? null, end_date: i.endDate ?? null,
    }));
  const identityColumns = `key text, username text, email text, name text, department text, title text, manager text, status text, start_date date, end_date date`;
  await inChunks(people(plan.identities.create), (rows) =>
    run(
      `INSERT INTO identity (key, username, email, name, department, title, manager, status, start_date, end_date)
       SELECT key, username, email, name, department, title, manager, status, start_date, end_date
         FROM jsonb_to_recordset(?::jsonb) AS x(${identityColumns})`,
      rows,
    ),
  );
  await inChunks(people(plan.identities.update), (rows) =>
    run(
      `UPDATE identity i SET username = x.username, email = x.email, name = x.name, department = x.department, title = x.title,
              manager = x.manager, status = x.status, start_date = x.start_date, end_date = x.end_date, updated_at = now()
         FROM jsonb_to_recordset(?::jsonb) AS x(${identityColumns}) WHERE i.key = x.key`,
      rows,
    ),
  );

  const versions = plan.roles.write.map((w) => ({ key: w.input.key, version: w.version, createdBy: actorId, ...versionContent(w.input) }));
  await run(
    `INSERT INTO role (key, latest_version) SELECT key, version FROM jsonb_to_recordset(?::jsonb) AS x(key text, version int)
     ON CONFLICT (key) DO UPDATE SET latest_version = EXCLUDED.latest_version`,
    versions.map((v) => ({ key: v.key, version: v.version })),
  );
  await inChunks(versions, (rows) =>
    run(
      `INSERT INTO role_version (role_key, version, name, description, owner, risk, entitlements, approval_policy, created_by)
       SELECT key, version, name, description, owner, risk, entitlements, "approvalPolicy", "createdBy"
         FROM jsonb_to_recordset(?::jsonb) AS x(key text, version int, name text, description text, owner text, risk text,
              entitlements jsonb, "approvalPolicy" jsonb, "createdBy" text)`,
      rows,
    ),
  );

  await inChunks(
    plan.sodRules.write.map((w) => ({ key: w.input.key, name: w.input.name, description: w.input.description ?? '', severity: w.input.severity, action: w.input.action, sets: sodSets(w.input), revision: w.revision })),
    (rows) =>
      run(
        `INSERT INTO sod_rule (key, name, description, severity, action, sets, revision)
         SELECT key, name, description, severity, action, sets, revision
           FROM jsonb_to_recordset(?::jsonb) AS x(key text, name text, description text, severity text, action text, sets jsonb, revision int)
         ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, severity = EXCLUDED.severity,
              action = EXCLUDED.action, sets = EXCLUDED.sets, revision = EXCLUDED.revision, updated_at = now()`,
        rows,
      ),
  );

  await importAccess(tx, plan.access.create, batchId, actor);
}
