import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/paging.dto';
import { IsAfter, IsMomentFilter, MOMENT_FILTER_TEXT } from '../../../../libs/catalog/timestamp-input';

/** The ledger filters, shared by the paged query and the export (which streams every match, unpaged). */
export class AuditFilterDto {
  @ApiPropertyOptional({ description: 'Subject type, e.g. request, task, identity, role' })
  @IsOptional() @IsString() @MaxLength(100)
  subjectType?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  subjectId?: string;

  @ApiPropertyOptional({ description: 'Actor id: an identity key, a client id or system:<component>' })
  @IsOptional() @IsString() @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ example: 'approval.decided' })
  @IsOptional() @Matches(/^[a-z][a-z0-9_.]*$/, { message: 'action must be a dotted lower-case verb' }) @MaxLength(100)
  action?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100)
  requestId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100)
  campaignId?: string;

  @ApiPropertyOptional({ description: `From (inclusive), ${MOMENT_FILTER_TEXT}` })
  @IsOptional() @IsMomentFilter()
  from?: string;

  @ApiPropertyOptional({ description: `To (exclusive), ${MOMENT_FILTER_TEXT}` })
  @IsOptional() @IsMomentFilter() @IsAfter('from')
  to?: string;
}

/** `GET /audit`: the filters and the paging query. */
export class AuditQueryDto extends IntersectionType(PageQueryDto, AuditFilterDto) {}

/** `GET /audit/export`: the filters and a format; no `limit`/`cursor` (the export is every match). */
export class AuditExportQueryDto extends AuditFilterDto {
  @ApiPropertyOptional({ enum: ['jsonl', 'csv'], default: 'jsonl' })
  @IsOptional() @IsIn(['jsonl', 'csv'])
  format?: 'jsonl' | 'csv';
}
