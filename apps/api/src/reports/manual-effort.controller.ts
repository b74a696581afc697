import { BadRequestException, Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiJsonOrCsvResponse } from '../common/openapi/api-errors';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Response } from 'express';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { csvLine } from '../../../../libs/csv/csv';
import { MANUAL_EFFORT_CSV_COLUMNS, manualEffortCsvValues, manualEffortReport } from '../../../../libs/reports/manual-effort';
import { Roles } from '../auth/policy';
import { ManualEffortQueryDto } from './manual-effort.dto';
import { ManualEffortReportDto } from './manual-effort-responses';

const DEFAULT_PERIOD_MS = 90 * 86_400_000;

/** The ROI case for automation: manual provisioning effort per system, measured and priced. */
@ApiTags('reports')
@Controller('api/v1/reports')
export class ManualEffortController {
  constructor(
    private readonly em: EntityManager,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get('manual-effort')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Manual tasks per system and channel: counts, time to attest, overdue, escalations, effort and cost, yearly projection, ranked' })
  @ApiErrors([400, 'Invalid input, or `to` not after `from`'])
  @ApiJsonOrCsvResponse(ManualEffortReportDto, 'Manual effort per system, ranked, with totals; `format=csv`: one line per item (formula-safe cells)')
  async report(@Query() q: ManualEffortQueryDto, @Res({ passthrough: true }) res: Response) {
    const to = q.to ?? new Date().toISOString();
    const from = q.from ?? new Date(Date.parse(to) - DEFAULT_PERIOD_MS).toISOString();
    if (Date.parse(from) >= Date.parse(to)) {
      throw new BadRequestException({ message: 'Invalid input', details: [{ path: 'to', problems: ['to must be after from'] }] });
    }
    const report = await manualEffortReport(this.em.fork(), { from, to, system: q.system }, this.config.manualEffort);
    if (q.format !== 'csv') return report;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="manual-effort-${from.slice(0, 10)}-${to.slice(0, 10)}.csv"`);
    const lines = [csvLine([...MANUAL_EFFORT_CSV_COLUMNS]), ...report.items.map((i) => csvLine(manualEffortCsvValues(i, report.currency)))];
    return `${lines.join('\r\n')}\r\n`;
  }
}
