import { ApiProperty } from '@nestjs/swagger';

/**
 * Response shapes of the requests read side (SPEC section 7), documented so that clients (the web
 * app generates its types from /docs-json) never hand-copy them. `views.ts` builds the objects.
 */

const FREE_OBJECT = { type: 'object', additionalProperties: true } as const;

export class EntitlementRefDto {
  @ApiProperty({ example: 'ehr' }) system!: string;
  @ApiProperty({ example: 'clinician' }) entitlement!: string;
}

export class AccessDiffDto {
  @ApiProperty({ type: [EntitlementRefDto], description: 'entitlements the request grants' }) add!: EntitlementRefDto[];
  @ApiProperty({ type: [EntitlementRefDto], description: 'entitlements the request removes' }) remove!: EntitlementRefDto[];
}

export class SodMatchedSetDto {
  @ApiProperty({ description: 'index of the side of the rule' }) set!: number;
  @ApiProperty({ type: String, nullable: true }) label!: string | null;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [EntitlementRefDto] }) entitlements!: EntitlementRefDto[];
}

export class SodFindingDto {
  @ApiProperty({ description: 'SoD rule key' }) rule!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['low', 'medium', 'high', 'critical'] }) severity!: string;
  @ApiProperty({ enum: ['block', 'require_dual_approval'] }) action!: string;
  @ApiProperty({ type: [SodMatchedSetDto], description: 'the conflicting sides the identity would hold' }) matched!: SodMatchedSetDto[];
}

export class RoleVersionRefDto {
  @ApiProperty() role!: string;
  @ApiProperty({ description: 'the catalog version the request was made against' }) version!: number;
}

export class RequestSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['joiner', 'mover', 'leaver'] }) kind!: string;
  @ApiProperty({ enum: ['scheduled', 'pending_approval', 'rejected', 'provisioning', 'deprovisioning', 'completed', 'cancelled'] }) status!: string;
  @ApiProperty({ description: 'identity key of the subject' }) identity!: string;
  @ApiProperty({ description: 'identity key (or client id) of the requester' }) requester!: string;
  @ApiProperty({ type: [String], description: 'role keys requested (added)' }) roles!: string[];
  @ApiProperty() workflowId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
}

export class RequestPageDto {
  @ApiProperty({ type: [RequestSummaryDto] }) items!: RequestSummaryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last' }) nextCursor!: string | null;
}

export class TaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ description: 'identity key of the person whose access changes' }) identity!: string;
  @ApiProperty() system!: string;
  @ApiProperty({ enum: ['grant', 'revoke'] }) action!: string;
  @ApiProperty({ type: [String] }) entitlements!: string[];
  @ApiProperty({ enum: ['open', 'done', 'cancelled'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ description: 'open and past its due time' }) overdue!: boolean;
  @ApiProperty({ description: 'for-cause leaver: do it first' }) urgent!: boolean;
  @ApiProperty() escalationLevel!: number;
  @ApiProperty({ enum: ['queue', 'webhook', 'email'] }) channel!: string;
  @ApiProperty({ type: String, nullable: true, description: 'ticket reference in the helpdesk' }) externalRef!: string | null;
  @ApiProperty() deliveryAttempts!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'identity key of the owner who attested' }) completedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) completedByName!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'attestation note' }) note!: string | null;
  @ApiProperty() workflowId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) items!: TaskDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ApprovalDecisionDto {
  @ApiProperty({ description: 'identity key of the approver' }) approver!: string;
  @ApiProperty() approverName!: string;
  @ApiProperty({ enum: ['approve', 'reject'] }) decision!: string;
  @ApiProperty() comment!: string;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
}

export class ApprovalStepDto {
  @ApiProperty({ description: '1-based order' }) step!: number;
  @ApiProperty({ description: 'why these people approve, in words (e.g. "Manager of the person")' }) label!: string;
  @ApiProperty({ description: 'manager, role_owner, system_owner, identity or group' }) approverKind!: string;
  @ApiProperty({ enum: ['waiting', 'pending', 'approved', 'rejected', 'cancelled'] }) status!: string;
  @ApiProperty({ description: 'distinct approvals needed' }) required!: number;
  @ApiProperty({ type: [String], description: 'identity keys who may decide this step' }) eligibleApprovers!: string[];
  @ApiProperty() escalationLevel!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) openedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
  @ApiProperty({ type: [ApprovalDecisionDto] }) decisions!: ApprovalDecisionDto[];
}

export class TimelineActorDto {
  @ApiProperty({ description: 'person, client or system' }) type!: string;
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class TimelineSubjectDto {
  @ApiProperty() type!: string;
  @ApiProperty() id!: string;
}

export class TimelineEventDto {
  @ApiProperty({ description: 'ledger sequence number' }) seq!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: TimelineActorDto }) actor!: TimelineActorDto;
  @ApiProperty({ example: 'approval.approved' }) action!: string;
  @ApiProperty({ type: TimelineSubjectDto }) subject!: TimelineSubjectDto;
  @ApiProperty(FREE_OBJECT) details!: Record<string, unknown>;
}

export class RequestDetailDto extends RequestSummaryDto {
  @ApiProperty({ type: String, nullable: true }) requesterName!: string | null;
  @ApiProperty({ type: [RoleVersionRefDto] }) roleVersions!: RoleVersionRefDto[];
  @ApiProperty({ type: [String], description: 'role keys removed (mover)' }) removeRoles!: string[];
  @ApiProperty({ ...FREE_OBJECT, description: 'mover org changes (department, title, manager); leaver reason and options' }) changes!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) justification!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) effectiveAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'why it ended as it did' }) outcome!: string | null;
  @ApiProperty({ type: AccessDiffDto }) diff!: AccessDiffDto;
  @ApiProperty({ type: [SodFindingDto] }) sodFindings!: SodFindingDto[];
  @ApiProperty({ type: [ApprovalStepDto] }) approvals!: ApprovalStepDto[];
  @ApiProperty({ type: [TaskDto] }) tasks!: TaskDto[];
  @ApiProperty({ type: [TimelineEventDto], description: 'its ledger rows, oldest first' }) timeline!: TimelineEventDto[];
}

export class OpenStepDto {
  @ApiProperty() step!: number;
  @ApiProperty() label!: string;
  @ApiProperty() required!: number;
  @ApiProperty({ type: [String] }) eligibleApprovers!: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt!: string | null;
  @ApiProperty() escalationLevel!: number;
}

export class ApprovalItemDto {
  @ApiProperty({ type: RequestSummaryDto }) request!: RequestSummaryDto;
  @ApiProperty({ type: OpenStepDto, description: 'the step waiting for my decision' }) step!: OpenStepDto;
  @ApiProperty({ type: AccessDiffDto }) diff!: AccessDiffDto;
  @ApiProperty({ type: [SodFindingDto] }) sodFindings!: SodFindingDto[];
  @ApiProperty({ type: String, nullable: true }) justification!: string | null;
  @ApiProperty(FREE_OBJECT) changes!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'a dated mover: when the change applies; null = once approved and carried out' })
  effectiveAt!: string | null;
}

export class ApprovalPageDto {
  @ApiProperty({ type: [ApprovalItemDto] }) items!: ApprovalItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class DecisionResultDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty() step!: number;
  @ApiProperty({ enum: ['approve', 'reject'] }) decision!: string;
  @ApiProperty() comment!: string;
  @ApiProperty({ description: 'the step after this decision' }) stepStatus!: string;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
}
