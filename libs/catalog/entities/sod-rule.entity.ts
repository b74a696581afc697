import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import type { SodAction, SodSet, SodSeverity } from '../../domain';

/** A segregation-of-duties rule. Never deleted: retiring sets `retiredAt`; each PUT bumps `revision`. */
@Entity({ tableName: 'sod_rule' })
export class SodRule {
  @PrimaryKey({ type: 'text' })
  key: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  description: string = '';

  @Enum({ items: ['low', 'medium', 'high', 'critical'], type: 'text' })
  severity: SodSeverity;

  @Enum({ items: ['block', 'require_dual_approval'], type: 'text' })
  action: SodAction;

  @Property({ type: 'json' })
  sets: SodSet[];

  @Property({ type: 'integer' })
  revision: number = 1;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  retiredAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  constructor(key: string, name: string, severity: SodSeverity, action: SodAction, sets: SodSet[]) {
    this.key = key;
    this.name = name;
    this.severity = severity;
    this.action = action;
    this.sets = sets;
  }
}
