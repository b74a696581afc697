import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, type AuditActor } from '../../../../libs/audit/ledger';
import { Identity } from '../../../../libs/identity/identity.entity';
import { AppRoleAssignment } from '../../../../libs/auth/app-role-assignment.entity';
import { APP_ROLES, type AppRole } from '../../../../libs/auth/app-roles';
import type { AppRolesDto } from './app-roles.dto';

function toDto(identityKey: string, rows: AppRoleAssignment[]): AppRolesDto {
  const sorted = [...rows].sort((a, b) => APP_ROLES.indexOf(a.role) - APP_ROLES.indexOf(b.role));
  return {
    identity: identityKey,
    roles: sorted.map((r) => r.role),
    assignments: sorted.map((r) => ({ role: r.role, grantedBy: r.grantedBy, grantedAt: r.grantedAt.toISOString() })),
  };
}

/** The internal roles of the tool held by each identity; every grant and removal is audited. */
@Injectable()
export class AppRolesService {
  constructor(private readonly em: EntityManager) {}

  async get(identityKey: string): Promise<AppRolesDto> {
    await this.identity(this.em, identityKey);
    return toDto(identityKey, await this.em.find(AppRoleAssignment, { identityKey }));
  }

  /**
   * Makes the identity hold exactly `roles`. Grants and removals are written with one ledger event
   * each, in the transaction that changes them, naming the acting admin.
   */
  async replace(identityKey: string, roles: AppRole[], actor: AuditActor): Promise<AppRolesDto> {
    const wanted = new Set(roles);
    const change = randomUUID();
    return this.em.transactional(async (tx) => {
      // Row lock on the identity: concurrent PUTs for one identity apply one after the other.
      const identity = await this.identity(tx, identityKey, true);
      const current = await tx.find(AppRoleAssignment, { identityKey });
      const held = new Set(current.map((a) => a.role));
      const granted = APP_ROLES.filter((r) => wanted.has(r) && !held.has(r));
      const revoked = current.filter((a) => !wanted.has(a.role));
      if (granted.length > 0 && identity.status === 'terminated') {
        throw new ConflictException(`Identity ${identityKey} is terminated: roles cannot be granted to it`);
      }
      const added = granted.map((role) => tx.create(AppRoleAssignment, new AppRoleAssignment(identityKey, role, actor.id)));
      for (const a of revoked) tx.remove(a);
      await tx.flush();
      if (revoked.some((a) => a.role === 'admin')) await this.assertAnAdminRemains(tx);
      for (const role of granted) {
        await recordAuditEvent(tx, {
          actor,
          action: 'app_role.granted',
          subject: { type: 'identity', id: identityKey },
          details: { role },
          idempotencyKey: `app-role:${change}:${identityKey}:${role}:granted`,
        });
      }
      for (const a of revoked) {
        await recordAuditEvent(tx, {
          actor,
          action: 'app_role.revoked',
          subject: { type: 'identity', id: identityKey },
          details: { role: a.role, grantedBy: a.grantedBy, grantedAt: a.grantedAt.toISOString() },
          idempotencyKey: `app-role:${change}:${identityKey}:${a.role}:revoked`,
        });
      }
      const kept = current.filter((a) => wanted.has(a.role));
      return toDto(identityKey, [...kept, ...added]);
    });
  }

  /** Nobody could administer the tool any more: refuse (BOOTSTRAP_ADMINS is the way back in). */
  private async assertAnAdminRemains(tx: EntityManager): Promise<void> {
    const admins = await tx.count(AppRoleAssignment, { role: 'admin' });
    if (admins === 0) throw new ConflictException('This would remove the last admin of the service');
  }

  private async identity(em: EntityManager, key: string, lock = false): Promise<Identity> {
    const identity = await em.findOne(Identity, { key }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!identity) throw new NotFoundException(`Identity ${key} not found`);
    return identity;
  }
}
