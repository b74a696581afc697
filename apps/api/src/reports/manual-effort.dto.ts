import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CATALOG_KEY } from '../../../../libs/catalog/inputs';
import { IsAfter, IsTimestampWithOffset } from '../../../../libs/catalog/timestamp-input';

export class ManualEffortQueryDto {
  @ApiPropertyOptional({ description: 'Period start (inclusive), ISO-8601 with offset; default: 90 days before `to`' })
  @IsOptional() @IsTimestampWithOffset()
  from?: string;

  @ApiPropertyOptional({ description: 'Period end (exclusive), ISO-8601 with offset; default: now' })
  @IsOptional() @IsTimestampWithOffset() @IsAfter('from')
  to?: string;

  @ApiPropertyOptional({ description: 'Only this system' })
  @IsOptional() @Matches(CATALOG_KEY, { message: 'system must be a system key' })
  system?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
