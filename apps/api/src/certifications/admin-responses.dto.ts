import { ApiProperty } from '@nestjs/swagger';
import { CampaignTemplateDto } from './certifications.dto';

/**
 * Response shapes of the campaign administration endpoints (start, pre-flight, schedules),
 * documented for clients; `libs/certification/preflight.ts` and `schedules.service.ts` build them.
 */
export class ItemRefDto {
  @ApiProperty({ description: 'identity key' }) identity!: string;
  @ApiProperty() role!: string;
  @ApiProperty() system!: string;
}

export class ReviewerCountDto {
  @ApiProperty({ description: 'identity key' }) reviewer!: string;
  @ApiProperty() items!: number;
}

export class FallbackReviewerDto extends ReviewerCountDto {
  @ApiProperty({ enum: ['active', 'pending', 'terminated', 'unknown'] }) status!: string;
}

export class RoutedItemsDto {
  @ApiProperty() items!: number;
  @ApiProperty({ type: [ItemRefDto], description: 'up to 20 examples' }) examples!: ItemRefDto[];
}

export class DeadlinePolicyViewDto {
  @ApiProperty({ enum: ['escalate', 'revoke', 'keep'] }) policy!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ description: 'what happens to items undecided at the deadline, in words' }) undecidedItems!: string;
}

/** What a campaign would do if launched now (`?dryRun=true`; also the `details` of a 409). */
export class PreflightReportDto {
  @ApiProperty() canStart!: boolean;
  @ApiProperty({ type: [String], description: 'why it cannot start; empty when it can' }) problems!: string[];
  @ApiProperty({ description: 'people in scope' }) subjects!: number;
  @ApiProperty({ description: 'review items it would create' }) items!: number;
  @ApiProperty({ type: [ReviewerCountDto] }) perReviewer!: ReviewerCountDto[];
  @ApiProperty({ type: FallbackReviewerDto }) fallback!: FallbackReviewerDto;
  @ApiProperty({ type: RoutedItemsDto, description: 'items whose rule found no reviewer (routed to the fallback)' }) noResolvableReviewer!: RoutedItemsDto;
  @ApiProperty({ type: RoutedItemsDto, description: 'items whose reviewer would have been the subject (routed away)' }) selfReview!: RoutedItemsDto;
  @ApiProperty({ type: [ReviewerCountDto], description: 'named reviewers who are terminated or pending' }) terminatedReviewers!: ReviewerCountDto[];
  @ApiProperty({ type: DeadlinePolicyViewDto }) deadlinePolicy!: DeadlinePolicyViewDto;
}

export class CampaignAcceptedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['generating'] }) status!: string;
  @ApiProperty() workflowId!: string;
}

export class ScheduleRunDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true }) workflowId!: string | null;
}

export class ScheduleViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, description: 'five-field cron, UTC' }) cron!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'interval such as 90d' }) every!: string | null;
  @ApiProperty({ type: CampaignTemplateDto }) campaign!: CampaignTemplateDto;
  @ApiProperty() reviewDays!: number;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() temporalScheduleId!: string;
  @ApiProperty({ type: [String], description: 'the next (up to 3) run times' }) nextRuns!: string[];
  @ApiProperty({ type: [ScheduleRunDto] }) recentRuns!: ScheduleRunDto[];
  @ApiProperty({ description: 'runs skipped because the previous one was still open' }) skippedOverlaps!: number;
}

export class SchedulePageDto {
  @ApiProperty({ type: [ScheduleViewDto] }) items!: ScheduleViewDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
