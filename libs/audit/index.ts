export * from './ledger';
export * from './chain';
export { AuditEventEntity } from './audit-event.entity';
