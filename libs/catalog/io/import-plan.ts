import { createHash } from 'node:crypto';
import { foldIdentityName } from '../../domain/identity-names';
import { statusChangeProblem, type IdentityStatus } from '../../domain/identity-status';
import { managerCyclesAfter } from '../../domain/org-chart';
import type { CreateIdentityInput, CreateSodRuleInput, CreateSystemInput } from '../inputs';
import { Problems } from '../problems';
import { checkIdentity, checkRole, checkSodRule, checkSystem, type CatalogRefs } from '../refs';
import { versionContent } from '../roles.service';
import { sodSets } from '../sod-rules.service';
import { collectRows, type BundleEntity, type ImportProblem } from './bundle';
import { dropDuplicates, validateRows, type AccessImportRow, type RoleImportRow, type ValidRow } from './import-rows';
import { accessKey, canonical, type DbState } from './import-state';

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportPlan {
  problems: ImportProblem[];
  digest: string;
  systems: { create: CreateSystemInput[]; update: CreateSystemInput[]; unchanged: number };
  /** Entitlements to insert or update (new ones, and changed names/flags); never deleted by an import. */
  entitlements: { system: string; key: string; name: string; privileged: boolean; isNew: boolean }[];
  roles: { write: { input: RoleImportRow; version: number; isNew: boolean }[]; unchanged: number };
  sodRules: { write: { input: CreateSodRuleInput; revision: number; isNew: boolean }[]; unchanged: number };
  identities: { create: CreateIdentityInput[]; update: CreateIdentityInput[]; unchanged: number };
  access: { create: { identity: string; role: string; version: number; grantedAt: string | null }[]; unchanged: number };
}

export function planCounts(p: ImportPlan): Record<string, Counts> {
  const c = (created: number, updated: number, unchanged: number) => ({ created, updated, unchanged });
  const newEnts = p.entitlements.filter((e) => e.isNew).length;
  return {
    systems: c(p.systems.create.length, p.systems.update.length, p.systems.unchanged),
    entitlements: c(newEnts, p.entitlements.length - newEnts, 0),
    roles: c(p.roles.write.filter((r) => r.isNew).length, p.roles.write.filter((r) => !r.isNew).length, p.roles.unchanged),
    sodRules: c(p.sodRules.write.filter((r) => r.isNew).length, p.sodRules.write.filter((r) => !r.isNew).length, p.sodRules.unchanged),
    identities: c(p.identities.create.length, p.identities.update.length, p.identities.unchanged),
    access: c(p.access.create.length, 0, p.access.unchanged),
  };
}

export function planIsEmpty(p: ImportPlan): boolean {
  return Object.values(planCounts(p)).every((c) => c.created === 0 && c.updated === 0);
}

function rowProblems(entity: BundleEntity, row: number, p: Problems, out: ImportProblem[]): void {
  for (const x of p.list) out.push({ entity, row, path: x.path, problems: x.problems });
}

const identityContent = (i: { username: string; email?: string | null; name: string; department?: string | null; title?: string | null; manager?: string | null; status?: string; startDate?: string | null; endDate?: string | null }, status: string) =>
  canonical([i.username, i.email ?? null, i.name, i.department ?? null, i.title ?? null, i.manager ?? null, status, i.startDate ?? null, i.endDate ?? null]);

/** Validates the whole bundle against itself and the database, and works out what would change. */
export function planImport(body: unknown, db: DbState): ImportPlan {
  const collected = collectRows(body);
  const problems = [...collected.problems];
  const rows = collected.rows;

  const ents = dropDuplicates('entitlements', validateRows('entitlements', rows.entitlements, problems), (e) => `${e.system}/${e.key}`, problems);
  const systems = dropDuplicates('systems', validateRows('systems', rows.systems, problems, (d) => (collected.separateEntitlements ? { ...d, entitlements: [] } : d)), (s) => s.key, problems);
  if (collected.separateEntitlements) {
    for (const e of ents) {
      const sys = systems.find((s) => s.value.key === e.value.system);
      if (!sys) problems.push({ entity: 'entitlements', row: e.row, path: 'system', problems: [`system "${e.value.system}" is not in the systems file`] });
      else sys.value.entitlements.push({ key: e.value.key, name: e.value.name, privileged: e.value.privileged ?? false });
    }
  }
  const roles = dropDuplicates('roles', validateRows('roles', rows.roles, problems), (r) => r.key, problems);
  const rules = dropDuplicates('sodRules', validateRows('sodRules', rows.sodRules, problems), (r) => r.key, problems);
  const people = dropDuplicates('identities', validateRows('identities', rows.identities, problems), (i) => i.key, problems);
  const access = dropDuplicates('access', validateRows('access', rows.access, problems), (a) => accessKey(a.identity, a.role), problems, 'role');

  // Keys of rows that failed their own validation still count as present, so one bad row is
  // reported once, not again by every row that refers to it.
  const rawKeys = (entity: BundleEntity) => new Set(rows[entity].map((r) => (r.data as { key?: unknown } | null)?.key).filter((k): k is string => typeof k === 'string'));
  const bundleIds = rawKeys('identities');
  const bundleRoles = rawKeys('roles');
  const invalidSystems = new Set([...rawKeys('systems')].filter((k) => !systems.some((s) => s.value.key === k)));
  const bundleSystems = new Map(systems.map((s) => [s.value.key, new Set(s.value.entitlements.map((e) => e.key))]));
  const refs: CatalogRefs = {
    hasIdentity: (k) => bundleIds.has(k) || db.identities.has(k),
    hasRole: (k) => bundleRoles.has(k) || db.roles.has(k),
    entitlement: (s, k) => {
      if (invalidSystems.has(s)) return 'ok';
      if (!bundleSystems.has(s) && !db.systems.has(s)) return 'unknown_system';
      return bundleSystems.get(s)?.has(k) || db.entitlements.get(s)?.has(k) ? 'ok' : 'unknown_entitlement';
    },
  };
  const check = <T>(entity: BundleEntity, list: ValidRow<T>[], fn: (v: T, p: Problems) => void) => {
    for (const r of list) {
      const p = new Problems();
      fn(r.value, p);
      rowProblems(entity, r.row, p, problems);
    }
  };
  check('systems', systems, (v, p) => checkSystem(v, refs, p));
  check('roles', roles, (v, p) => checkRole(v, refs, p));
  check('sodRules', rules, (v, p) => checkSodRule(v, refs, p));
  check('identities', people, (v, p) => checkIdentity(v.key, v, refs, p));
  checkIdentityUniqueness(people, db, problems);

  // Role versions the import will produce, so access rows may name them.
  const roleWrites: ImportPlan['roles']['write'] = [];
  let rolesUnchanged = 0;
  const producedVersion = new Map<string, number>();
  for (const r of roles) {
    const existing = db.roles.get(r.value.key);
    const content = canonical(versionContent(r.value));
    const version = !existing ? 1 : existing.content !== content ? existing.latest + 1 : null;
    if (version === null) rolesUnchanged++;
    else {
      roleWrites.push({ input: r.value, version, isNew: !existing });
      producedVersion.set(r.value.key, version);
    }
  }

  const accessCreate: ImportPlan['access']['create'] = [];
  let accessUnchanged = 0;
  check('access', access, (a: AccessImportRow, p) => {
    if (!refs.hasIdentity(a.identity)) p.add('identity', `unknown identity "${a.identity}"`);
    if (!refs.hasRole(a.role)) return p.add('role', `unknown role "${a.role}"`);
    const latest = producedVersion.get(a.role) ?? db.roles.get(a.role)?.latest;
    if (latest === undefined) return; // its role row is invalid, and reported there
    const version = a.roleVersion ?? latest;
    if (version !== latest && !db.roles.get(a.role)?.versions.has(version)) p.add('roleVersion', `role "${a.role}" has no version ${version}`);
    if (!p.empty) return;
    if (db.activeAccess.has(accessKey(a.identity, a.role))) accessUnchanged++;
    else accessCreate.push({ identity: a.identity, role: a.role, version, grantedAt: a.grantedAt ?? null });
  });

  const order: (BundleEntity | 'bundle')[] = ['bundle', 'systems', 'entitlements', 'roles', 'sodRules', 'identities', 'access'];
  const plan: ImportPlan = {
    problems,
    digest: createHash('sha256').update(canonical(body)).digest('hex'),
    systems: { create: [], update: [], unchanged: 0 },
    entitlements: [],
    roles: { write: roleWrites, unchanged: rolesUnchanged },
    sodRules: { write: [], unchanged: 0 },
    identities: { create: [], update: [], unchanged: 0 },
    access: { create: accessCreate, unchanged: accessUnchanged },
  };
  diffSystems(systems, db, plan);
  diffRules(rules, db, plan, problems);
  diffIdentities(people, db, plan, problems);
  problems.sort((a, b) => order.indexOf(a.entity) - order.indexOf(b.entity) || (a.row ?? 0) - (b.row ?? 0));
  return plan;
}

function checkIdentityUniqueness(people: ValidRow<CreateIdentityInput>[], db: DbState, problems: ImportProblem[]): void {
  const owner = new Map<string, string>();
  const claim = (kind: string, value: string, key: string) => owner.set(`${kind}:${foldIdentityName(value)}`, key);
  for (const i of db.identities.values()) {
    claim('u', i.username, i.key);
    if (i.email) claim('e', i.email, i.key);
  }
  const bundleKeys = new Set(people.map((p) => p.value.key));
  // Identities the bundle rewrites release their old username/email first.
  for (const [k, v] of owner) if (bundleKeys.has(v)) owner.delete(k);
  for (const r of people) {
    for (const [kind, path, value] of [['u', 'username', r.value.username], ['e', 'email', r.value.email ?? null]] as const) {
      if (!value) continue;
      const holder = owner.get(`${kind}:${foldIdentityName(value)}`);
      if (holder && holder !== r.value.key) problems.push({ entity: 'identities', row: r.row, path, problems: [`"${value}" is already used by identity "${holder}"`] });
      else claim(kind, value, r.value.key);
    }
  }
  // The same manager-cycle rule as PUT /identities and the mover (libs/domain/org-chart).
  const chart = [...db.identities.values()].map((i) => ({ key: i.key, manager: i.manager }));
  const changes = new Map(people.map((r) => [r.value.key, r.value.manager ?? null]));
  const rowOf = new Map(people.map((p) => [p.value.key, p.row]));
  for (const cycle of managerCyclesAfter(chart, changes)) {
    for (const k of new Set(cycle)) {
      const row = rowOf.get(k);
      if (row !== undefined) problems.push({ entity: 'identities', row, path: 'manager', problems: [`cycle in the manager chain: ${cycle.join(' -> ')}`] });
    }
  }
}

function diffSystems(systems: ValidRow<CreateSystemInput>[], db: DbState, plan: ImportPlan): void {
  for (const { value: s } of systems) {
    const existing = db.systems.get(s.key);
    const current = db.entitlements.get(s.key) ?? new Map();
    let entsChanged = false;
    for (const e of s.entitlements) {
      const had = current.get(e.key);
      const privileged = e.privileged ?? false;
      if (!had || had.name !== e.name || had.privileged !== privileged) {
        plan.entitlements.push({ system: s.key, key: e.key, name: e.name, privileged, isNew: !had });
        entsChanged = true;
      }
    }
    if (!existing) plan.systems.create.push(s);
    else {
      const same =
        existing.name === s.name &&
        canonical([...new Set(existing.owners)]) === canonical([...new Set(s.owners)]) &&
        existing.channel === s.channel &&
        (existing.target ?? null) === (s.target ?? null) &&
        existing.deprovision_sla_hours === (s.deprovisionSlaHours ?? 8);
      if (!same) plan.systems.update.push(s);
      else if (!entsChanged) plan.systems.unchanged++;
    }
  }
}

function diffRules(rules: ValidRow<CreateSodRuleInput>[], db: DbState, plan: ImportPlan, problems: ImportProblem[]): void {
  for (const { row, value: r } of rules) {
    const existing = db.sodRules.get(r.key);
    const content = canonical({ name: r.name, description: r.description ?? '', severity: r.severity, action: r.action, sets: sodSets(r) });
    if (!existing) plan.sodRules.write.push({ input: r, revision: 1, isNew: true });
    else if (existing.retired) problems.push({ entity: 'sodRules', row, path: 'key', problems: [`SoD rule "${r.key}" is retired and cannot be imported again`] });
    else if (existing.content !== content) plan.sodRules.write.push({ input: r, revision: existing.revision + 1, isNew: false });
    else plan.sodRules.unchanged++;
  }
}

function diffIdentities(people: ValidRow<CreateIdentityInput>[], db: DbState, plan: ImportPlan, problems: ImportProblem[]): void {
  for (const { row, value: i } of people) {
    const existing = db.identities.get(i.key);
    if (!existing) {
      plan.identities.create.push(i);
      continue;
    }
    // A row may restate the status but not change it: leavers and rehires are processes (ADR 080).
    const statusProblem = statusChangeProblem(existing.status as IdentityStatus, i.status);
    if (statusProblem) {
      problems.push({ entity: 'identities', row, path: 'status', problems: [statusProblem] });
      continue;
    }
    const status = i.status ?? existing.status;
    const before = identityContent({ ...existing, startDate: existing.start_date, endDate: existing.end_date }, existing.status);
    if (before === identityContent(i, status)) plan.identities.unchanged++;
    else plan.identities.update.push({ ...i, status } as CreateIdentityInput);
  }
}
