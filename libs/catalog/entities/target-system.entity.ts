import { ArrayType, Entity, Enum, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

export const CHANNELS = ['queue', 'webhook', 'email'] as const;
export type ProvisioningChannel = (typeof CHANNELS)[number];

/**
 * A business application that access is granted on. `owners` are identity keys: they receive
 * its downstream tasks and attest them. `target` is the helpdesk URL (webhook) or the shared
 * inbox (email); null for the service's own queue.
 */
@Entity({ tableName: 'target_system' })
export class TargetSystem {
  @PrimaryKey({ type: 'text' })
  key: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  owners: string[] = [];

  @Enum({ items: [...CHANNELS], type: 'text' })
  channel: ProvisioningChannel = 'queue';

  @Property({ type: 'text', nullable: true })
  target: string | null = null;

  @Property({ type: 'integer' })
  deprovisionSlaHours: number = 8;

  /** Manual-effort report: minutes one manual task takes here; null = the configured default. */
  @Property({ type: 'double', nullable: true })
  manualMinutesPerTask: number | null = null;

  /** Manual-effort report: cost of an hour of the people doing the tasks; null = the configured default. */
  @Property({ type: 'double', nullable: true })
  manualHourlyCost: number | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  constructor(key: string, name: string) {
    this.key = key;
    this.name = name;
  }
}

/** One grantable permission on a target system. */
@Entity({ tableName: 'entitlement' })
export class Entitlement {
  [PrimaryKeyProp]?: ['systemKey', 'key'];

  @PrimaryKey({ type: 'text' })
  systemKey: string;

  @PrimaryKey({ type: 'text' })
  key: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'boolean' })
  privileged: boolean = false;

  constructor(systemKey: string, key: string, name: string, privileged = false) {
    this.systemKey = systemKey;
    this.key = key;
    this.name = name;
    this.privileged = privileged;
  }
}
