import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

export type IdentityStatus = 'pending' | 'active' | 'terminated';

/**
 * A person of the organisation (the system of record's identity). `username` and `email` match
 * the organisation's IdP, which is how a signed-in person is mapped to an identity.
 * `manager` is the manager's identity key (the org chart), not a relation, so reads stay flat.
 */
@Entity({ tableName: 'identity' })
export class Identity {
  /** Employee id. */
  @PrimaryKey({ type: 'text' })
  key: string;

  @Property({ type: 'text', unique: true })
  username: string;

  @Property({ type: 'text', nullable: true, unique: true })
  email: string | null = null;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text', nullable: true })
  department: string | null = null;

  @Property({ type: 'text', nullable: true })
  title: string | null = null;

  @Index()
  @Property({ type: 'text', nullable: true })
  manager: string | null = null;

  @Enum({ items: ['pending', 'active', 'terminated'], type: 'text' })
  status: IdentityStatus = 'active';

  @Property({ type: 'date', nullable: true })
  startDate: string | null = null;

  @Property({ type: 'date', nullable: true })
  endDate: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  constructor(key: string, username: string, name: string) {
    this.key = key;
    this.username = username;
    this.name = name;
  }
}
