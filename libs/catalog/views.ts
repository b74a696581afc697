import type { Identity } from '../identity/identity.entity';
import type { ApprovalPolicy, EntitlementRef } from '../domain';
import type { AccessAssignment } from './entities/access-assignment.entity';
import type { RoleVersion } from './entities/role.entity';
import type { SodRule } from './entities/sod-rule.entity';
import type { Entitlement, TargetSystem } from './entities/target-system.entity';

/** Read models of the catalog (plain JSON; controllers never return entities). */
export interface SystemView {
  key: string;
  name: string;
  owners: string[];
  channel: 'queue' | 'webhook' | 'email';
  target: string | null;
  deprovisionSlaHours: number;
  entitlements: { key: string; name: string; privileged: boolean }[];
  /** Assumptions of the manual-effort report; null = the configured default. */
  manualEffort: { minutesPerTask: number | null; hourlyCost: number | null };
}

export function systemView(s: TargetSystem, ents: Entitlement[]): SystemView {
  return {
    key: s.key,
    name: s.name,
    owners: [...s.owners],
    channel: s.channel,
    target: s.target,
    deprovisionSlaHours: s.deprovisionSlaHours,
    entitlements: ents
      .filter((e) => e.systemKey === s.key)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((e) => ({ key: e.key, name: e.name, privileged: e.privileged })),
    manualEffort: { minutesPerTask: s.manualMinutesPerTask, hourlyCost: s.manualHourlyCost },
  };
}

export interface RoleView {
  key: string;
  version: number;
  latestVersion: number;
  name: string;
  description: string;
  owner: string;
  risk: 'low' | 'medium' | 'high';
  entitlements: EntitlementRef[];
  approvalPolicy: ApprovalPolicy;
  createdBy: string;
  createdAt: string;
}

export function roleView(v: RoleVersion, latestVersion: number): RoleView {
  return {
    key: v.roleKey,
    version: v.version,
    latestVersion,
    name: v.name,
    description: v.description,
    owner: v.owner,
    risk: v.risk,
    entitlements: v.entitlements.map((e) => ({ system: e.system, entitlement: e.entitlement })),
    approvalPolicy: v.approvalPolicy,
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
  };
}

export interface SodRuleView {
  key: string;
  name: string;
  description: string;
  severity: string;
  action: string;
  sets: SodRule['sets'];
  revision: number;
  status: 'active' | 'retired';
  retiredAt: string | null;
  updatedAt: string;
}

export function sodRuleView(r: SodRule): SodRuleView {
  return {
    key: r.key,
    name: r.name,
    description: r.description,
    severity: r.severity,
    action: r.action,
    sets: r.sets,
    revision: r.revision,
    status: r.retiredAt ? 'retired' : 'active',
    retiredAt: r.retiredAt ? r.retiredAt.toISOString() : null,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export interface IdentityView {
  key: string;
  username: string;
  email: string | null;
  name: string;
  department: string | null;
  title: string | null;
  manager: string | null;
  status: 'pending' | 'active' | 'terminated';
  startDate: string | null;
  endDate: string | null;
}

const dateOnly = (d: unknown): string | null => (d == null ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

export function identityView(i: Identity): IdentityView {
  return {
    key: i.key,
    username: i.username,
    email: i.email,
    name: i.name,
    department: i.department,
    title: i.title,
    manager: i.manager,
    status: i.status,
    startDate: dateOnly(i.startDate),
    endDate: dateOnly(i.endDate),
  };
}

/** One line of "who has access to what, and why": an assignment's entitlements on one system. */
export interface AccessEntryView {
  assignmentId: string;
  role: string;
  roleVersion: number;
  system: string;
  entitlements: string[];
  provenance: 'request' | 'imported';
  requestId: string | null;
  approvedBy: string[];
  approvedAt: string | null;
  taskIds: string[];
  importBatchId: string | null;
  grantedAt: string;
}

export function accessEntries(a: AccessAssignment): AccessEntryView[] {
  const systems = [...new Set(a.entitlements.map((e) => e.system))].sort();
  return systems.map((system) => ({
    assignmentId: a.id,
    role: a.roleKey,
    roleVersion: a.roleVersion,
    system,
    entitlements: a.entitlements.filter((e) => e.system === system).map((e) => e.entitlement).sort(),
    provenance: a.provenance,
    requestId: a.requestId,
    approvedBy: [...a.approvedBy],
    approvedAt: a.approvedAt ? a.approvedAt.toISOString() : null,
    taskIds: [...a.taskIds],
    importBatchId: a.importBatchId,
    grantedAt: a.grantedAt.toISOString(),
  }));
}
