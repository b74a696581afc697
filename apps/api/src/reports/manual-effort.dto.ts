import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CATALOG_KEY } from '../../../../libs/catalog/inputs';
import { IsAfter, IsMomentFilter, MOMENT_FILTER_TEXT } from '../../../../libs/catalog/timestamp-input';

export class ManualEffortQueryDto {
  @ApiPropertyOptional({ description: `Period start (inclusive), ${MOMENT_FILTER_TEXT}; default: 90 days before \`to\`` })
  @IsOptional() @IsMomentFilter()
  from?: string;

  @ApiPropertyOptional({ description: `Period end (exclusive), ${MOMENT_FILTER_TEXT}; default: now` })
  @IsOptional() @IsMomentFilter() @IsAfter('from')
  to?: string;

  @ApiPropertyOptional({ description: 'Only this system' })
  @IsOptional() @Matches(CATALOG_KEY, { message: 'system must be a system key' })
  system?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
