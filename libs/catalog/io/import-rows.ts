import { ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Min, validateSync } from 'class-validator';
import { AccessImportInput, CATALOG_KEY, CreateIdentityInput, CreateRoleInput, CreateSodRuleInput, CreateSystemInput, EntitlementInput } from '../inputs';
import { flattenErrors } from '../problems';
import type { BundleEntity, ImportProblem, SourceRow } from './bundle';
import { IsTimestampWithOffset } from '../timestamp-input';

/** A role row may carry its exported version number; it is informational on import. */
export class RoleImportRow extends CreateRoleInput {
  @IsOptional() @IsInt() @Min(1)
  version?: number;
}

/** CSV only: one entitlement of a system per row. */
export class EntitlementImportRow extends EntitlementInput {
  @IsString() @Matches(CATALOG_KEY, { message: 'system must be a system key' })
  system!: string;
}

/**
 * An access row may carry the provenance it had where it was exported from; on import the
 * assignment's provenance is always `imported` (with this import's batch id), and these are ignored.
 */
export class AccessImportRow extends AccessImportInput {
  @ApiPropertyOptional() @IsOptional() @IsIn(['request', 'imported'])
  provenance?: string;

  @IsOptional() @IsString()
  requestId?: string;

  @IsOptional() @IsArray() @IsString({ each: true })
  approvedBy?: string[];

  @IsOptional() @IsTimestampWithOffset()
  approvedAt?: string;
}

export const ROW_CLASSES = {
  systems: CreateSystemInput,
  entitlements: EntitlementImportRow,
  roles: RoleImportRow,
  sodRules: CreateSodRuleInput,
  identities: CreateIdentityInput,
  access: AccessImportRow,
} as const;

export interface ValidRow<T> {
  row: number;
  value: T;
}

/** Validates each row on its own with the API's own input rules; every problem is reported with its row. */
export function validateRows<E extends BundleEntity>(
  entity: E,
  rows: SourceRow[],
  problems: ImportProblem[],
  prepare?: (data: Record<string, unknown>) => Record<string, unknown>,
): ValidRow<InstanceType<(typeof ROW_CLASSES)[E]>>[] {
  const cls = ROW_CLASSES[entity] as unknown as new () => InstanceType<(typeof ROW_CLASSES)[E]>;
  const valid: ValidRow<InstanceType<(typeof ROW_CLASSES)[E]>>[] = [];
  for (const r of rows) {
    if (typeof r.data !== 'object' || r.data === null || Array.isArray(r.data)) {
      problems.push({ entity, row: r.row, path: '', problems: ['must be an object'] });
      continue;
    }
    const data = prepare ? prepare(r.data as Record<string, unknown>) : (r.data as Record<string, unknown>);
    const value = plainToInstance(cls, data) as InstanceType<(typeof ROW_CLASSES)[E]>;
    const errors = validateSync(value as object, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
    if (errors.length > 0) {
      for (const p of flattenErrors(errors)) problems.push({ entity, row: r.row, path: p.path, problems: p.problems });
      continue;
    }
    valid.push({ row: r.row, value });
  }
  return valid;
}

/** Later rows repeating an earlier row's key are errors. */
export function dropDuplicates<T>(entity: BundleEntity, rows: ValidRow<T>[], keyOf: (v: T) => string, problems: ImportProblem[], path = 'key'): ValidRow<T>[] {
  const first = new Map<string, number>();
  return rows.filter((r) => {
    const k = keyOf(r.value);
    const seen = first.get(k);
    if (seen !== undefined) {
      problems.push({ entity, row: r.row, path, problems: [`duplicate of row ${seen}`] });
      return false;
    }
    first.set(k, r.row);
    return true;
  });
}
