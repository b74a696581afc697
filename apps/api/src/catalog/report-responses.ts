import { ApiProperty } from '@nestjs/swagger';
import { SodFindingDto } from '../requests/responses.dto';

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
