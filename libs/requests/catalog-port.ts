import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntitlementRef } from '../domain/access';
import type { ApprovalPolicy } from '../domain/approval-policy';
import type { SodRuleDef } from '../domain/sod';
import type { RoleRef } from '../domain/request-types';

/**
 * What requests need from the system of record (issue 4's catalog), as a narrow interface: the
 * request module depends on this, and `catalog-adapter.ts` is the only file that knows the
 * catalog's tables and services.
 */
export interface CatalogRoleVersion {
  key: string;
  version: number;
  name: string;
  owner: string;
  active: boolean;
  entitlements: EntitlementRef[];
  approvalPolicy: ApprovalPolicy;
}

export interface CatalogSystem {
  key: string;
  name: string;
  owners: string[];
  channel: 'queue' | 'webhook' | 'email';
  target: string | null;
  deprovisionSlaHours: number | null;
  entitlements: { key: string; name: string; privileged: boolean }[];
}

export interface HeldRole extends RoleRef {
  entitlements: EntitlementRef[];
}

export interface CatalogPort {
  /** Role versions by key (the current version when `version` is omitted); unknown roles are absent. */
  roleVersions(em: EntityManager, refs: { role: string; version?: number }[]): Promise<CatalogRoleVersion[]>;
  systems(em: EntityManager, keys: string[]): Promise<CatalogSystem[]>;
  /** Active SoD rules. */
  sodRules(em: EntityManager): Promise<SodRuleDef[]>;
  /** The roles the identity holds now, each with the entitlements it grants. */
  currentRoles(em: EntityManager, identityKey: string): Promise<HeldRole[]>;
  /** Identity keys of the tool's administrators (the routing's last resort). */
  admins(em: EntityManager): Promise<string[]>;
}
