import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { IsTimestampWithOffset } from '../../../../libs/catalog/timestamp-input';

export class CreateLeaverDto {
  @ApiProperty({ description: 'Identity key (employee id) of the leaver.', example: 'E1001' })
  @IsString()
  @Length(1, 64)
  identity: string;

  @ApiProperty({ enum: ['voluntary', 'involuntary', 'for_cause'] })
  @IsIn(['voluntary', 'involuntary', 'for_cause'])
  reason: 'voluntary' | 'involuntary' | 'for_cause';

  @ApiPropertyOptional({ description: 'ISO-8601 with offset; default now. Ignored for for_cause (always immediate).', example: '2026-12-01T17:00:00+01:00' })
  @IsOptional()
  @IsTimestampWithOffset()
  effectiveAt?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  justification?: string;
}

export class CancelLeaverDto {
  @ApiPropertyOptional({ example: 'Resignation withdrawn' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class BringForwardDto {
  @ApiPropertyOptional({ description: 'New effective time (earlier than the current one); default now.' })
  @IsOptional()
  @IsTimestampWithOffset()
  effectiveAt?: string;
}

export class LeaverAcceptedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['leaver'] }) kind: string;
  @ApiProperty({ enum: ['scheduled', 'deprovisioning', 'completed', 'cancelled'] }) status: string;
  @ApiProperty({ example: 'leaver-E1001' }) workflowId: string;
  @ApiProperty() effectiveAt: string;
  @ApiProperty() urgent: boolean;
}
