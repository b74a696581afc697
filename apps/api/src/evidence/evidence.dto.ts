import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IDENTITY_KEY } from '../../../../libs/catalog/inputs';
import { IsAfter, IsMomentFilter, MOMENT_FILTER_TEXT } from '../../../../libs/catalog/timestamp-input';

export class EvidenceQueryDto {
  @ApiPropertyOptional({ description: 'Identity key: the pack covers this person\'s access changes (required unless campaign is given)', example: 'E3010' })
  @IsOptional() @Matches(IDENTITY_KEY, { message: 'identity must be an identity key' })
  identity?: string;

  @ApiPropertyOptional({ description: `Period start (inclusive), ${MOMENT_FILTER_TEXT}; default: the beginning of the ledger` })
  @IsOptional() @IsMomentFilter()
  from?: string;

  @ApiPropertyOptional({ description: `Period end (exclusive), ${MOMENT_FILTER_TEXT}; default: now` })
  @IsOptional() @IsMomentFilter() @IsAfter('from')
  to?: string;

  @ApiPropertyOptional({ description: 'Certification campaign id: the pack covers access at launch, decisions, remediation and access after' })
  @IsOptional() @IsString() @MaxLength(100)
  campaign?: string;
}
