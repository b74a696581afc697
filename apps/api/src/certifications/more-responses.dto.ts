import { ApiProperty } from '@nestjs/swagger';
import { CampaignItemDto, CampaignSummaryDto } from './responses.dto';

/** Response shapes of campaign cancel and the campaign report (as the services return them). */
export class CampaignCancelledDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['cancelled'] }) status!: string;
}

class ReportItemDto extends CampaignItemDto {
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'The revoke task of a revoked item: status, channel, ticket, who attested it and when' })
  remediation!: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true, description: 'held or removed, once remediation ended' })
  accessAfter!: string | null;
}

/** `GET /certifications/{id}/report` as JSON (streamed). */
export class CampaignReportDto {
  @ApiProperty({ type: CampaignSummaryDto }) campaign!: CampaignSummaryDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Counts per decision, revokes attested, access held and removed after' }) summary!: Record<string, unknown>;
  @ApiProperty({ type: [ReportItemDto] }) items!: ReportItemDto[];
}
