import { ApiProperty } from '@nestjs/swagger';

/** The manual-effort report's JSON shape (documented for clients; `libs/reports/manual-effort.ts` builds it). */
class TaskCountsDto {
  @ApiProperty() grant!: number;
  @ApiProperty() revoke!: number;
  @ApiProperty({ description: 'grant + revoke (cancelled excluded)' }) total!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty() open!: number;
}

class HoursToAttestDto {
  @ApiProperty({ type: Number, nullable: true, description: 'hours, task created to attested' }) median!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'hours' }) p95!: number | null;
  @ApiProperty() attested!: number;
}

class AssumptionsDto {
  @ApiProperty() minutesPerTask!: number;
  @ApiProperty() hourlyCost!: number;
  @ApiProperty({ enum: ['system', 'default'] }) source!: string;
}

class EffortDto {
  @ApiProperty() hours!: number;
  @ApiProperty({ description: 'in the report currency' }) cost!: number;
}

class YearlyDto {
  @ApiProperty() tasks!: number;
  @ApiProperty() hours!: number;
  @ApiProperty() cost!: number;
}

class ManualEffortItemDto {
  @ApiProperty({ description: '1 = most effort' }) rank!: number;
  @ApiProperty() system!: string;
  @ApiProperty() systemName!: string;
  @ApiProperty({ enum: ['queue', 'webhook', 'email'] }) channel!: string;
  @ApiProperty({ type: TaskCountsDto }) tasks!: TaskCountsDto;
  @ApiProperty({ type: HoursToAttestDto }) hoursToAttest!: HoursToAttestDto;
  @ApiProperty() overdue!: number;
  @ApiProperty() escalations!: number;
  @ApiProperty({ type: AssumptionsDto }) assumptions!: AssumptionsDto;
  @ApiProperty({ type: EffortDto }) effort!: EffortDto;
  @ApiProperty({ type: YearlyDto, description: 'the period projected to 365 days' }) yearly!: YearlyDto;
}

class ManualEffortTotalsDto {
  @ApiProperty() tasks!: number;
  @ApiProperty() hours!: number;
  @ApiProperty() cost!: number;
  @ApiProperty({ type: YearlyDto }) yearly!: YearlyDto;
}

class ManualEffortDefaultsDto {
  @ApiProperty() minutesPerTask!: number;
  @ApiProperty() hourlyCost!: number;
  @ApiProperty() currency!: string;
  @ApiProperty() source!: string;
}

export class ManualEffortReportDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty() periodDays!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: ManualEffortDefaultsDto }) defaults!: ManualEffortDefaultsDto;
  @ApiProperty({ description: 'how the figures are computed, in words' }) method!: string;
  @ApiProperty({ type: [ManualEffortItemDto] }) items!: ManualEffortItemDto[];
  @ApiProperty({ type: ManualEffortTotalsDto }) totals!: ManualEffortTotalsDto;
}
