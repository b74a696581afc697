import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/policy';
import { ApiErrors } from '../common/openapi/api-errors';
import { LeaverSlaPageDto, LeaverSlaQueryDto } from './leaver-sla.dto';
import { LeaverSlaReportService } from './leaver-sla.service';

@ApiTags('reports')
@Controller('api/v1/reports')
export class LeaverSlaReportController {
  constructor(private readonly reports: LeaverSlaReportService) {}

  @Get('leaver-sla')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Leaver SLA per request and system: effective, due, attested, met or breached, escalations.' })
  @ApiOkResponse({ type: LeaverSlaPageDto })
  @ApiErrors(400)
  leaverSla(@Query() q: LeaverSlaQueryDto): Promise<LeaverSlaPageDto> {
    return this.reports.report(q);
  }
}
