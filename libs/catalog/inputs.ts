import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { APPROVAL_STEP_KINDS, RISK_LEVELS } from '../domain/approval-policy';
import { CHANNELS } from './entities/target-system.entity';
import { IsIdentityEmail, IsUsername } from './identity-rules';
import { IsTimestampWithOffset } from './timestamp-input';
import { HasText } from './text-input';

/** Keys of catalog objects (systems, roles, rules): lower-case slugs. */
export const CATALOG_KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Identity keys (employee ids), as the identity table's CHECK. */
export const IDENTITY_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ENTITLEMENT_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const keyMsg = 'must be lower-case letters, digits, ".", "_" or "-" (max 64)';
const identityMsg = 'must be an identity key (letters, digits, ".", "_" or "-", max 64)';

export class EntitlementInput {
  @ApiProperty({ example: 'order-meds' }) @IsString() @Matches(ENTITLEMENT_KEY, { message: 'key must be an entitlement key' })
  key!: string;

  @ApiProperty({ example: 'Order medications' }) @IsString() @MinLength(1) @MaxLength(200) @HasText()
  name!: string;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean()
  privileged?: boolean;
}

export class ManualEffortInput {
  @ApiPropertyOptional({ nullable: true, description: 'Minutes one manual task takes on this system; null = the configured default (MANUAL_TASK_MINUTES)', example: 15 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(10_000)
  minutesPerTask?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'Cost of one hour of the people doing the tasks; null = the configured default (MANUAL_HOURLY_COST)', example: 55 })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1_000_000)
  hourlyCost?: number | null;
}

export class SystemBody {
  @ApiProperty({ example: 'Electronic health record' }) @IsString() @MinLength(1) @MaxLength(200) @HasText()
  name!: string;

  @ApiProperty({ type: [String], description: 'Identity keys of the system owners', example: ['E1002'] })
  @IsArray() @ArrayMaxSize(50) @Matches(IDENTITY_KEY, { each: true, message: `each owner ${identityMsg}` })
  owners!: string[];

  @ApiProperty({ enum: CHANNELS }) @IsIn([...CHANNELS])
  channel!: (typeof CHANNELS)[number];

  @ApiPropertyOptional({ nullable: true, description: 'Helpdesk URL (webhook), shared inbox (email), null (queue)' })
  @IsOptional() @IsString() @MaxLength(2000)
  target?: string | null;

  @ApiPropertyOptional({ default: 8, description: 'Hours to carry out a revoke task (deprovisioning SLA)' })
  @IsOptional() @IsInt() @Min(0) @Max(8760)
  deprovisionSlaHours?: number;

  @ApiProperty({ type: [EntitlementInput] }) @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => EntitlementInput)
  entitlements!: EntitlementInput[];

  @ApiPropertyOptional({ type: ManualEffortInput, description: 'Assumptions of the manual-effort report; omitted on PUT = unchanged' })
  @IsOptional() @IsObject({ message: 'manualEffort must be an object' }) @ValidateNested() @Type(() => ManualEffortInput)
  manualEffort?: ManualEffortInput;
}

export class CreateSystemInput extends SystemBody {
  @ApiProperty({ example: 'ehr' }) @IsString() @Matches(CATALOG_KEY, { message: `key ${keyMsg}` })
  key!: string;
}

export class EntitlementRefInput {
  @ApiProperty({ example: 'ehr' }) @IsString() @Matches(CATALOG_KEY, { message: `system ${keyMsg}` })
  system!: string;

  @ApiProperty({ example: 'chart-read' }) @IsString() @Matches(ENTITLEMENT_KEY, { message: 'entitlement must be an entitlement key' })
  entitlement!: string;
}

export class ApprovalStepInput {
  @ApiProperty({ enum: APPROVAL_STEP_KINDS }) @IsIn([...APPROVAL_STEP_KINDS])
  kind!: (typeof APPROVAL_STEP_KINDS)[number];

  @ApiPropertyOptional({ description: 'kind=identity: the named approver' })
  @IsOptional() @Matches(IDENTITY_KEY, { message: `identity ${identityMsg}` })
  identity?: string;

  @ApiPropertyOptional({ description: 'kind=group: the group name' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  group?: string;

  @ApiPropertyOptional({ type: [String], description: 'kind=group: identity keys of the members' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @Matches(IDENTITY_KEY, { each: true, message: `each member ${identityMsg}` })
  members?: string[];

  @ApiPropertyOptional({ enum: [1, 2], default: 1, description: 'Distinct approvers needed' }) @IsOptional() @IsIn([1, 2])
  approvers?: number;
}

export class ApprovalPolicyInput {
  @ApiProperty({ type: [ApprovalStepInput] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => ApprovalStepInput)
  steps!: ApprovalStepInput[];
}

export class RoleBody {
  @ApiProperty({ example: 'Registered nurse' }) @IsString() @MinLength(1) @MaxLength(200) @HasText()
  name!: string;

  @ApiPropertyOptional({ default: '' }) @IsOptional() @IsString() @MaxLength(2000)
  description?: string;

  @ApiProperty({ description: 'Identity key of the role owner' }) @Matches(IDENTITY_KEY, { message: `owner ${identityMsg}` })
  owner!: string;

  @ApiProperty({ enum: RISK_LEVELS }) @IsIn([...RISK_LEVELS])
  risk!: (typeof RISK_LEVELS)[number];

  @ApiProperty({ type: [EntitlementRefInput] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @ValidateNested({ each: true }) @Type(() => EntitlementRefInput)
  entitlements!: EntitlementRefInput[];

  @ApiProperty({ type: ApprovalPolicyInput }) @IsObject({ message: 'approvalPolicy must be an object' }) @ValidateNested() @Type(() => ApprovalPolicyInput)
  approvalPolicy!: ApprovalPolicyInput;
}

/**
 * A role edit (PUT). `expectedVersion` is the version the editor started from: when someone has
 * written a newer version meanwhile the edit is refused (409) instead of silently undoing theirs
 * (ADR 171). Omitted = last writer wins, as before.
 */
export class PutRoleInput extends RoleBody {
  @ApiPropertyOptional({ example: 1, minimum: 1, description: 'The version this edit is based on; another current version = 409' })
  @IsOptional() @IsInt() @Min(1) @Max(2_147_483_647)
  expectedVersion?: number;
}

export class CreateRoleInput extends RoleBody {
  @ApiProperty({ example: 'rn-inpatient' }) @IsString() @Matches(CATALOG_KEY, { message: `key ${keyMsg}` })
  key!: string;
}

export class SodSetInput {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100)
  label?: string;

  @ApiProperty({ type: [String], description: 'Role keys' })
  @IsArray() @ArrayMaxSize(100) @Matches(CATALOG_KEY, { each: true, message: `each role ${keyMsg}` })
  roles!: string[];

  @ApiProperty({ type: [EntitlementRefInput] })
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => EntitlementRefInput)
  entitlements!: EntitlementRefInput[];
}

export const SOD_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const SOD_ACTIONS = ['block', 'require_dual_approval'] as const;

export class SodRuleBody {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) @HasText()
  name!: string;

  @ApiPropertyOptional({ default: '' }) @IsOptional() @IsString() @MaxLength(2000)
  description?: string;

  @ApiProperty({ enum: SOD_SEVERITIES }) @IsIn([...SOD_SEVERITIES])
  severity!: (typeof SOD_SEVERITIES)[number];

  @ApiProperty({ enum: SOD_ACTIONS }) @IsIn([...SOD_ACTIONS])
  action!: (typeof SOD_ACTIONS)[number];

  @ApiProperty({ type: [SodSetInput], description: 'Conflicting sides: holding any two is a conflict' })
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => SodSetInput)
  sets!: SodSetInput[];
}

/** A rule edit (PUT); `expectedRevision` as a role's `expectedVersion` (ADR 171). */
export class PutSodRuleInput extends SodRuleBody {
  @ApiPropertyOptional({ example: 1, minimum: 1, description: 'The revision this edit is based on; another current revision = 409' })
  @IsOptional() @IsInt() @Min(1) @Max(2_147_483_647)
  expectedRevision?: number;
}

export class CreateSodRuleInput extends SodRuleBody {
  @ApiProperty({ example: 'rx-prescribe-dispense' }) @IsString() @Matches(CATALOG_KEY, { message: `key ${keyMsg}` })
  key!: string;
}

export const IDENTITY_STATUSES = ['pending', 'active', 'terminated'] as const;

export class IdentityBody {
  @ApiProperty({ example: 'jdoe', description: 'Letters, digits, ".", "_", "@", "-" (ASCII, max 128); unique ignoring case' }) @IsUsername()
  username!: string;

  @ApiPropertyOptional({ nullable: true, example: 'jdoe@example.org', description: 'ASCII address; unique ignoring case' }) @IsOptional() @IsIdentityEmail()
  email?: string | null;

  @ApiProperty({ example: 'Jane Doe' }) @IsString() @MinLength(1) @MaxLength(200) @HasText()
  name!: string;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(200)
  department?: string | null;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(200)
  title?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Identity key of the manager' })
  @IsOptional() @Matches(IDENTITY_KEY, { message: `manager ${identityMsg}` })
  manager?: string | null;

  @ApiPropertyOptional({ enum: IDENTITY_STATUSES, default: 'active' }) @IsOptional() @IsIn([...IDENTITY_STATUSES])
  status?: (typeof IDENTITY_STATUSES)[number];

  @ApiPropertyOptional({ example: '2026-01-05', nullable: true }) @IsOptional() @IsISO8601({ strict: true }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startDate must be a date (YYYY-MM-DD)' })
  startDate?: string | null;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsISO8601({ strict: true }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'endDate must be a date (YYYY-MM-DD)' })
  endDate?: string | null;
}

export class CreateIdentityInput extends IdentityBody {
  @ApiProperty({ example: 'E10042', description: 'Employee id' }) @IsString() @Matches(IDENTITY_KEY, { message: `key ${identityMsg}` })
  key!: string;
}

/** Existing access brought in by an import (provenance `imported`). */
export class AccessImportInput {
  @ApiProperty() @IsString() @Matches(IDENTITY_KEY, { message: `identity ${identityMsg}` })
  identity!: string;

  @ApiProperty() @IsString() @Matches(CATALOG_KEY, { message: `role ${keyMsg}` })
  role!: string;

  @ApiPropertyOptional({ description: 'Defaults to the latest version' }) @IsOptional() @IsInt() @Min(1)
  roleVersion?: number;

  @ApiPropertyOptional({ description: 'ISO-8601; defaults to the import time' }) @IsOptional() @IsTimestampWithOffset()
  grantedAt?: string;
}
