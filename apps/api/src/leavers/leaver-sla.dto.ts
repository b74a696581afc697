import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/paging.dto';
import { IsAfter, IsMomentFilter, MOMENT_FILTER_TEXT } from '../../../../libs/catalog/timestamp-input';

export const SLA_OUTCOMES = ['met', 'breached', 'pending', 'cancelled'] as const;
export type SlaOutcome = (typeof SLA_OUTCOMES)[number];

export class LeaverSlaQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: `Leavers effective at or after this time (${MOMENT_FILTER_TEXT})` })
  @IsOptional() @IsMomentFilter()
  from?: string;

  @ApiPropertyOptional({ description: `Leavers effective before this time (${MOMENT_FILTER_TEXT})` })
  @IsOptional() @IsMomentFilter() @IsAfter('from')
  to?: string;

  @ApiPropertyOptional({ description: 'Only this target system' })
  @IsOptional() @IsString() @MaxLength(64)
  system?: string;

  @ApiPropertyOptional({ description: 'Only this identity (the leaver)' })
  @IsOptional() @IsString() @MaxLength(64)
  identity?: string;

  @ApiPropertyOptional({ enum: SLA_OUTCOMES, description: 'pending: open and not yet due; an open task past due is breached' })
  @IsOptional() @IsIn(SLA_OUTCOMES)
  sla?: SlaOutcome;
}

export class LeaverSlaEscalationDto {
  @ApiProperty({ minimum: 1, maximum: 3 }) level: number;
  @ApiProperty({ enum: ['reminder', 'owners_manager', 'admins'] }) step: string;
  @ApiProperty() at: string;
  @ApiProperty({ type: [String] }) recipients: string[];
}

export class LeaverSlaItemDto {
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty() identity: string;
  @ApiProperty({ enum: ['voluntary', 'involuntary', 'for_cause'], nullable: true }) reason: string | null;
  @ApiProperty() urgent: boolean;
  @ApiProperty({ description: 'Status of the leaver request' }) requestStatus: string;
  @ApiProperty() effectiveAt: string;
  @ApiProperty() system: string;
  @ApiProperty({ format: 'uuid' }) taskId: string;
  @ApiProperty({ enum: ['queue', 'webhook', 'email'] }) channel: string;
  @ApiProperty() dueAt: string;
  @ApiProperty({ nullable: true, type: String }) deliveredAt: string | null;
  @ApiProperty({ nullable: true, type: String }) completedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Name of the attesting owner or helpdesk resolver' }) completedBy: string | null;
  @ApiProperty({ enum: ['open', 'done', 'cancelled'] }) taskStatus: string;
  @ApiProperty({ enum: SLA_OUTCOMES }) sla: SlaOutcome;
  @ApiProperty({ description: 'How late (ms) the attestation came, or how overdue an open task is now; 0 when on time' }) lateByMs: number;
  @ApiProperty({ type: [LeaverSlaEscalationDto] }) escalations: LeaverSlaEscalationDto[];
}

export class LeaverSlaPageDto {
  @ApiProperty({ type: [LeaverSlaItemDto] }) items: LeaverSlaItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
