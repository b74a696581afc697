import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { APPROVAL_STEP_KINDS } from '../../../../libs/domain/approval-policy';

/** OpenAPI shapes of the catalog's read models (`libs/catalog/views.ts`). */
export class EntitlementResponse {
  @ApiProperty() key!: string;
  @ApiProperty() name!: string;
  @ApiProperty() privileged!: boolean;
}

export class ManualEffortResponse {
  @ApiProperty({ nullable: true, type: Number, description: 'null = the configured default' }) minutesPerTask!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'null = the configured default' }) hourlyCost!: number | null;
}

export class SystemResponse {
  @ApiProperty() key!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) owners!: string[];
  @ApiProperty({ enum: ['queue', 'webhook', 'email'] }) channel!: string;
  @ApiProperty({ nullable: true, type: String }) target!: string | null;
  @ApiProperty() deprovisionSlaHours!: number;
  @ApiProperty({ type: [EntitlementResponse] }) entitlements!: EntitlementResponse[];
  @ApiProperty({ type: ManualEffortResponse }) manualEffort!: ManualEffortResponse;
}

export class EntitlementRefResponse {
  @ApiProperty() system!: string;
  @ApiProperty() entitlement!: string;
}

export class ApprovalStepResponse {
  @ApiProperty({ enum: APPROVAL_STEP_KINDS }) kind!: string;
  @ApiPropertyOptional() identity?: string;
  @ApiPropertyOptional() group?: string;
  @ApiPropertyOptional({ type: [String] }) members?: string[];
  @ApiProperty({ enum: [1, 2] }) approvers!: number;
}

export class ApprovalPolicyResponse {
  @ApiProperty({ type: [ApprovalStepResponse] }) steps!: ApprovalStepResponse[];
}

export class RoleResponse {
  @ApiProperty() key!: string;
  @ApiProperty({ description: 'This version' }) version!: number;
  @ApiProperty() latestVersion!: number;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() owner!: string;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) risk!: string;
  @ApiProperty({ type: [EntitlementRefResponse] }) entitlements!: EntitlementRefResponse[];
  @ApiProperty({ type: ApprovalPolicyResponse }) approvalPolicy!: ApprovalPolicyResponse;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
}

export class SodSetResponse {
  @ApiPropertyOptional() label?: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [EntitlementRefResponse] }) entitlements!: EntitlementRefResponse[];
}

export class SodRuleResponse {
  @ApiProperty() key!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['low', 'medium', 'high', 'critical'] }) severity!: string;
  @ApiProperty({ enum: ['block', 'require_dual_approval'] }) action!: string;
  @ApiProperty({ type: [SodSetResponse] }) sets!: SodSetResponse[];
  @ApiProperty() revision!: number;
  @ApiProperty({ enum: ['active', 'retired'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) retiredAt!: string | null;
  @ApiProperty() updatedAt!: string;
}

export class IdentityResponse {
  @ApiProperty() key!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) department!: string | null;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ nullable: true, type: String }) manager!: string | null;
  @ApiProperty({ enum: ['pending', 'active', 'terminated'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) startDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) endDate!: string | null;
}

export class AccessEntryResponse {
  @ApiProperty() assignmentId!: string;
  @ApiProperty() role!: string;
  @ApiProperty() roleVersion!: number;
  @ApiProperty() system!: string;
  @ApiProperty({ type: [String] }) entitlements!: string[];
  @ApiProperty({ enum: ['request', 'imported'] }) provenance!: string;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ type: [String] }) approvedBy!: string[];
  @ApiProperty({ nullable: true, type: String }) approvedAt!: string | null;
  @ApiProperty({ type: [String] }) taskIds!: string[];
  @ApiProperty({ nullable: true, type: String }) importBatchId!: string | null;
  @ApiProperty() grantedAt!: string;
}

export class IdentityDetailResponse extends IdentityResponse {
  @ApiProperty({ type: [AccessEntryResponse], description: 'Current access and why (provenance)' }) access!: AccessEntryResponse[];
}

function pageOf<T>(item: new () => T, name: string) {
  class PageResponse {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
  }
  Object.defineProperty(PageResponse, 'name', { value: name });
  return PageResponse;
}

export const SystemPage = pageOf(SystemResponse, 'SystemPage');
export const RolePage = pageOf(RoleResponse, 'RolePage');
export const SodRulePage = pageOf(SodRuleResponse, 'SodRulePage');
export const IdentityPage = pageOf(IdentityResponse, 'IdentityPage');
