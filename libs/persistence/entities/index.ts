import { AuditEventEntity } from '../../audit/audit-event.entity';
import { Identity } from '../../identity/identity.entity';
import { requestEntities } from '../../requests/entities';
import { catalogEntities } from '../../catalog/entities';
import { TicketCallback } from '../../tickets/ticket-callback.entity';
import { AppRoleAssignment } from '../../auth/app-role-assignment.entity';

/**
 * Every entity of the system of record, listed explicitly (no folder discovery that could skip
 * one silently). Append new entities here.
 */
export const entities = [AuditEventEntity, Identity, ...requestEntities, TicketCallback, AppRoleAssignment, ...catalogEntities];
