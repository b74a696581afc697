import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of the certification endpoints (documented for clients; the web app's types come from them). */
export class CampaignScopeViewDto {
  @ApiProperty({ enum: ['manager', 'system', 'role', 'all'] }) type!: string;
  @ApiProperty({ type: String, nullable: true }) key!: string | null;
}

export class CampaignCountsDto {
  @ApiProperty() total!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() certified!: number;
  @ApiProperty() revoked!: number;
  @ApiProperty({ description: 'closed at the deadline without a decision (policy keep)' }) notReviewed!: number;
}

export class ReviewerProgressDto {
  @ApiProperty({ description: 'identity key' }) reviewer!: string;
  @ApiProperty() total!: number;
  @ApiProperty() pending!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) signedOffAt!: string | null;
}

export class CampaignSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['generating', 'active', 'remediating', 'completed', 'cancelled'] }) status!: string;
  @ApiProperty({ type: CampaignScopeViewDto }) scope!: CampaignScopeViewDto;
  @ApiProperty({ enum: ['manager', 'system_owner', 'role_owner'] }) reviewer!: string;
  @ApiProperty() fallbackReviewer!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt!: string | null;
  @ApiProperty({ enum: ['escalate', 'revoke', 'keep'] }) deadlinePolicy!: string;
  @ApiProperty({ type: String, nullable: true }) scheduleId!: string | null;
  @ApiProperty() workflowId!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) createdAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) activatedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reviewClosedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) outcome!: string | null;
}

export class CampaignDetailDto extends CampaignSummaryDto {
  @ApiProperty({ type: CampaignCountsDto }) counts!: CampaignCountsDto;
  @ApiProperty({ type: [ReviewerProgressDto] }) reviewers!: ReviewerProgressDto[];
}

export class CampaignPageDto {
  @ApiProperty({ type: [CampaignSummaryDto] }) items!: CampaignSummaryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class CampaignItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'identity key of the person whose access is reviewed' }) identity!: string;
  @ApiProperty() identityName!: string;
  @ApiProperty() role!: string;
  @ApiProperty() roleVersion!: number;
  @ApiProperty() system!: string;
  @ApiProperty({ type: [String] }) entitlements!: string[];
  @ApiProperty({ enum: ['request', 'imported'] }) provenance!: string;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) grantedAt!: string | null;
  @ApiProperty({ type: [String] }) approvedBy!: string[];
  @ApiProperty({ type: [String], description: 'privileged, sod, never_approved, granted_over_a_year_ago, reviewer_changed' }) flags!: string[];
  @ApiProperty() reviewer!: string;
  @ApiProperty() originalReviewer!: string;
  @ApiProperty({ description: 'why this reviewer (e.g. manager, fallback, reassigned)' }) routing!: string;
  @ApiProperty() escalationLevel!: number;
  @ApiProperty({ enum: ['pending', 'certified', 'revoked', 'not_reviewed'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) decidedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) signedOffAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the revoke task, once created' }) taskId!: string | null;
}

export class CampaignItemPageDto {
  @ApiProperty({ type: [CampaignItemDto] }) items!: CampaignItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class DecisionsAcceptedDto {
  @ApiProperty() accepted!: number;
}

export class ReassignedDto {
  @ApiProperty() reassigned!: number;
  @ApiProperty() to!: string;
}

export class SignedOffDto {
  @ApiProperty() reviewer!: string;
  @ApiProperty({ format: 'date-time' }) signedOffAt!: string;
  @ApiProperty() items!: number;
}
