import { ApiProperty } from '@nestjs/swagger';
import { EntitlementRefDto, SodFindingDto } from '../requests/responses.dto';

/** The detective SoD report's shape (documented for clients; `libs/catalog/reports.service.ts` builds it). */
export class SodReportItemDto {
  @ApiProperty({ description: 'identity key' }) identity!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [SodFindingDto], description: 'the rules in force that this person’s current access breaks' }) findings!: SodFindingDto[];
}

export class SodReportDto {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty() rulesEvaluated!: number;
  @ApiProperty() identitiesEvaluated!: number;
  @ApiProperty() identitiesInConflict!: number;
  @ApiProperty({ type: [SodReportItemDto] }) items!: SodReportItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

/** One assignment in the access report (`libs/catalog/reports.service.ts` AccessReportRow). */
export class AccessReportItemDto {
  @ApiProperty({ description: 'identity key' }) identity!: string;
  @ApiProperty() identityName!: string;
  @ApiProperty({ type: String, nullable: true }) department!: string | null;
  @ApiProperty({ enum: ['active', 'pending', 'terminated'], description: 'the person’s status today' }) identityStatus!: string;
  @ApiProperty() role!: string;
  @ApiProperty({ description: 'the role version the access was granted under' }) roleVersion!: number;
  @ApiProperty({ type: [EntitlementRefDto] }) entitlements!: EntitlementRefDto[];
  @ApiProperty({ enum: ['request', 'imported'], description: 'request: approved here; imported: loaded from the old records, never approved here' }) provenance!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) requestId!: string | null;
  @ApiProperty({ type: [String], description: 'identity keys of the approvers' }) approvedBy!: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) approvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) importBatchId!: string | null;
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when it ended (after `at`); null while still held' }) revokedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) revokedByRequest!: string | null;
  @ApiProperty({ type: String, nullable: true }) revokeReason!: string | null;
}

export class AccessReportDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'the moment asked for (`?at=`); null: now' }) at!: string | null;
  @ApiProperty({ type: [AccessReportItemDto] }) items!: AccessReportItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
