import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { accessReport, sodReport } from '../../../../libs/catalog/reports.service';
import { Roles } from '../auth/policy';
import { AccessReportQuery, ListQuery } from './queries';
import { AccessReportDto, SodReportDto } from './report-responses';
import { ApiErrors } from '../common/openapi/api-errors';

@ApiTags('reports')
@Controller('api/v1/reports')
export class CatalogReportsController {
  constructor(private readonly em: EntityManager) {}

  /** Who has access to what, and why: every active assignment with its provenance. */
  @Get('access')
  @Roles('auditor', 'admin')
  @ApiOkResponse({ type: AccessReportDto, description: 'Active access with its provenance; with `at`, the access held at that moment' })
  @ApiErrors(400)
  access(@Query() q: AccessReportQuery) {
    return accessReport(this.em, q);
  }

  /** Detective SoD over everyone's current access, against the rules in force. */
  @Get('sod')
  @Roles('auditor', 'admin')
  @ApiOkResponse({ type: SodReportDto })
  @ApiErrors(400)
  sod(@Query() q: ListQuery) {
    return sodReport(this.em, q);
  }
}
