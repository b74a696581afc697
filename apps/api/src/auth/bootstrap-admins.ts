import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { recordAuditEvent, SYSTEM_ACTORS } from '../../../../libs/audit/ledger';
import { Identity } from '../../../../libs/identity/identity.entity';
import { AppRoleAssignment } from '../../../../libs/auth/app-role-assignment.entity';

/** An identity key from a username (keys allow letters, digits, dot, underscore and dash). */
export function keyForUsername(username: string): string {
  const key = username.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return key || `admin-${randomUUID().slice(0, 8)}`;
}

/**
 * BOOTSTRAP_ADMINS: at start-up, each named username exists as an identity and holds `admin`,
 * audited with the API as actor. Several API processes may start at once: a transaction-scoped
 * advisory lock makes them take turns, and the second finds nothing to do.
 */
@Injectable()
export class BootstrapAdmins implements OnApplicationBootstrap {
  private readonly log = new Logger('BootstrapAdmins');

  constructor(
    private readonly orm: MikroORM,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const username of this.config.bootstrapAdmins) await this.ensureAdmin(username);
  }

  async ensureAdmin(username: string): Promise<void> {
    await this.orm.em.fork().transactional(async (tx) => {
      await tx.execute(`SELECT pg_advisory_xact_lock(hashtext('jml:bootstrap-admins'))`);
      const rows = await tx.execute<{ key: string }[]>('SELECT key FROM identity WHERE lower(username) = lower(?)', [username], 'all');
      let key = rows[0]?.key;
      if (!key) {
        key = keyForUsername(username);
        tx.persist(new Identity(key, username, username));
        await tx.flush();
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTORS.api,
          action: 'identity.created',
          subject: { type: 'identity', id: key },
          details: { username, reason: 'BOOTSTRAP_ADMINS' },
          idempotencyKey: `bootstrap-admins:identity:${key}`,
        });
        this.log.log(`created identity ${key} for bootstrap admin ${username}`);
      }
      if (await tx.findOne(AppRoleAssignment, { identityKey: key, role: 'admin' })) return;
      tx.persist(new AppRoleAssignment(key, 'admin', SYSTEM_ACTORS.api.id));
      await tx.flush();
      await recordAuditEvent(tx, {
        actor: SYSTEM_ACTORS.api,
        action: 'app_role.granted',
        subject: { type: 'identity', id: key },
        details: { role: 'admin', reason: 'BOOTSTRAP_ADMINS' },
        idempotencyKey: `bootstrap-admins:${key}:admin:${randomUUID()}`,
      });
      this.log.log(`granted admin to ${key} (BOOTSTRAP_ADMINS)`);
    });
  }
}
