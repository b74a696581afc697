import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min,
  ValidateIf, ValidateNested,
} from 'class-validator';
import { ITEM_FLAGS } from '../../../../libs/domain/certification';
import { PageQueryDto } from '../common/paging.dto';
import { IsTimestampWithOffset } from '../../../../libs/catalog/timestamp-input';
import { HasText } from '../../../../libs/catalog/text-input';

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_BULK = 1000;

export class CampaignScopeDto {
  @ApiProperty({ enum: ['manager', 'system', 'role', 'all'] }) @IsIn(['manager', 'system', 'role', 'all'])
  type!: 'manager' | 'system' | 'role' | 'all';

  @ApiPropertyOptional({ description: 'manager: identity key; system: system key; role: role key; absent for all', example: 'E0007' })
  @ValidateIf((o: CampaignScopeDto) => o.type !== 'all' || o.key !== undefined)
  @Matches(KEY, { message: 'key is required for scope manager, system and role (and absent for all), as a catalog key' })
  key?: string;
}

/** The campaign template: every field of the start body but `dueAt` (schedules reuse it). */
export class CampaignTemplateDto {
  @ApiProperty({ example: 'Q4 manager review' }) @IsString() @Length(1, 200) @HasText()
  name!: string;

  @ApiProperty({ type: CampaignScopeDto }) @IsObject({ message: 'scope must be an object' }) @ValidateNested() @Type(() => CampaignScopeDto)
  scope!: CampaignScopeDto;

  @ApiProperty({ enum: ['manager', 'system_owner', 'role_owner'] }) @IsIn(['manager', 'system_owner', 'role_owner'])
  reviewer!: 'manager' | 'system_owner' | 'role_owner';

  @ApiProperty({ description: 'identity key of the reviewer for items nobody else can review', example: 'E0001' })
  @Matches(KEY, { message: 'fallbackReviewer must be an identity key' })
  fallbackReviewer!: string;

  @ApiProperty({ enum: ['escalate', 'revoke', 'keep'] }) @IsIn(['escalate', 'revoke', 'keep'])
  deadlinePolicy!: 'escalate' | 'revoke' | 'keep';
}

export class StartCampaignDto extends CampaignTemplateDto {
  @ApiProperty({ example: '2026-12-15T17:00:00+01:00', description: 'ISO-8601 with offset, in the future' })
  @IsTimestampWithOffset()
  dueAt!: string;
}

export class StartQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: answer the pre-flight report and start nothing' })
  @IsOptional() @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

export class CampaignListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['generating', 'active', 'remediating', 'completed', 'cancelled'] })
  @IsOptional() @IsIn(['generating', 'active', 'remediating', 'completed', 'cancelled'])
  status?: string;
}

export class ItemsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: "reviewer's identity key (admins and auditors; others always see their own)" })
  @IsOptional() @Matches(KEY)
  reviewer?: string;

  @ApiPropertyOptional({ enum: ['pending', 'certified', 'revoked', 'not_reviewed'] })
  @IsOptional() @IsIn(['pending', 'certified', 'revoked', 'not_reviewed'])
  status?: string;

  @ApiPropertyOptional({ enum: ITEM_FLAGS }) @IsOptional() @IsIn(ITEM_FLAGS as string[])
  flag?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(KEY)
  identity?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(KEY)
  system?: string;
}

export class ItemDecisionDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('4', { message: 'item must be an item id' })
  item!: string;

  @ApiProperty({ enum: ['certify', 'revoke'] }) @IsIn(['certify', 'revoke'])
  decision!: 'certify' | 'revoke';

  @ApiPropertyOptional({ description: 'required (non-empty) on revoke', example: 'Left the lab team in March' })
  @ValidateIf((o: ItemDecisionDto) => o.decision === 'revoke' || o.comment !== undefined)
  @IsString() @Length(1, 2000, { message: 'comment is required on revoke (1 to 2000 characters)' })
  @HasText((o: ItemDecisionDto) => o.decision === 'revoke', 'comment is required on revoke and must not be blank')
  comment?: string;
}

export class DecisionsDto {
  @ApiProperty({ type: [ItemDecisionDto], maxItems: MAX_BULK })
  @ArrayMinSize(1) @ArrayMaxSize(MAX_BULK) @ValidateNested({ each: true }) @Type(() => ItemDecisionDto)
  decisions!: ItemDecisionDto[];
}

export class ReassignDto {
  @ApiProperty({ type: [String], maxItems: MAX_BULK })
  @ArrayMinSize(1) @ArrayMaxSize(MAX_BULK) @ArrayUnique() @IsUUID('4', { each: true, message: 'each item must be an item id' })
  items!: string[];

  @ApiProperty({ description: 'identity key of the new reviewer (active; never the subject)' }) @Matches(KEY, { message: 'to must be an identity key' })
  to!: string;

  @ApiProperty() @IsString() @Length(1, 2000) @HasText()
  reason!: string;
}

export class CancelCampaignDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000)
  reason?: string;
}

export class ReportQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class ScheduleDto {
  @ApiProperty({ example: 'Quarterly manager review' }) @IsString() @Length(1, 200) @HasText()
  name!: string;

  @ApiPropertyOptional({ description: 'standard five-field cron (UTC); exactly one of cron and every', example: '0 6 1 */3 *' })
  @ValidateIf((o: ScheduleDto) => o.every === undefined || o.cron !== undefined)
  @Matches(/^\s*\S+(\s+\S+){4}\s*$/, { message: 'cron must be five fields (minute hour day month weekday); give exactly one of cron and every' })
  cron?: string;

  @ApiPropertyOptional({ description: 'an interval such as 90d, 12h, 30s; exactly one of cron and every', example: '90d' })
  @ValidateIf((o: ScheduleDto) => o.cron === undefined || o.every !== undefined)
  @Matches(/^\d+(s|m|h|d)$/, { message: 'every must be a duration such as 30s, 15m, 12h or 90d; give exactly one of cron and every' })
  every?: string;

  @ApiProperty({ type: CampaignTemplateDto }) @IsObject({ message: 'campaign must be an object' }) @ValidateNested() @Type(() => CampaignTemplateDto)
  campaign!: CampaignTemplateDto;

  @ApiProperty({ description: 'days each run gives its reviewers (its dueAt)', example: 14 })
  @Type(() => Number) @IsInt() @Min(1) @Max(365)
  reviewDays!: number;
}
