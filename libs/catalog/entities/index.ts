import { AccessAssignment, ImportBatch } from './access-assignment.entity';
import { Role, RoleVersion } from './role.entity';
import { SodRule } from './sod-rule.entity';
import { Entitlement, TargetSystem } from './target-system.entity';

export * from './access-assignment.entity';
export * from './role.entity';
export * from './sod-rule.entity';
export * from './target-system.entity';

export const catalogEntities = [TargetSystem, Entitlement, Role, RoleVersion, SodRule, ImportBatch, AccessAssignment];
