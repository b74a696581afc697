import { Entity, Enum, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import type { ApprovalPolicy, EntitlementRef, RiskLevel } from '../../domain';
import { RISK_LEVELS } from '../../domain/approval-policy';

/** A business role: its identity and which version is current. The content lives in versions. */
@Entity({ tableName: 'role' })
export class Role {
  @PrimaryKey({ type: 'text' })
  key: string;

  @Property({ type: 'integer' })
  latestVersion: number;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  constructor(key: string, latestVersion = 1) {
    this.key = key;
    this.latestVersion = latestVersion;
  }
}

/**
 * One immutable version of a role (the database refuses UPDATE and DELETE): what a request was
 * approved against, and what an assignment grants.
 */
@Entity({ tableName: 'role_version' })
export class RoleVersion {
  [PrimaryKeyProp]?: ['roleKey', 'version'];

  @PrimaryKey({ type: 'text' })
  roleKey: string;

  @PrimaryKey({ type: 'integer' })
  version: number;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  description: string = '';

  /** Identity key of the role owner. */
  @Property({ type: 'text' })
  owner: string;

  @Enum({ items: [...RISK_LEVELS], type: 'text' })
  risk: RiskLevel = 'low';

  @Property({ type: 'json' })
  entitlements: EntitlementRef[] = [];

  @Property({ type: 'json' })
  approvalPolicy: ApprovalPolicy = { steps: [] };

  /** The audit actor id of whoever wrote this version. */
  @Property({ type: 'text' })
  createdBy: string;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  constructor(roleKey: string, version: number, name: string, owner: string, createdBy: string) {
    this.roleKey = roleKey;
    this.version = version;
    this.name = name;
    this.owner = owner;
    this.createdBy = createdBy;
  }
}
