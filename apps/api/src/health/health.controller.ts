import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, MikroOrmHealthIndicator } from '@nestjs/terminus';
import { TemporalClientService } from '../../../../libs/temporal/temporal-client.module';
import { ApiErrors, type ErrorSpec } from '../common/openapi/api-errors';
import { Unthrottled } from '../common/public.decorator';

// The exception filter writes terminus's 503 in the one error body; the components' states stay in `details`.
const NOT_READY: ErrorSpec = [503, 'Not ready: `details` names each component (database, temporal) and its status'];

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: MikroOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly temporal: TemporalClientService,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @Unthrottled()
  @ApiErrors(NOT_READY)
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** The process can do its work: the database and the Temporal frontend both answer. */
  @Get('ready')
  @Unthrottled()
  @ApiErrors(NOT_READY)
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async () => {
        const check = this.indicators.check('temporal');
        try {
          await this.temporal.ping(2000);
          return check.up();
        } catch (err) {
          return check.down({ message: err instanceof Error ? err.message : String(err) });
        }
      },
    ]);
  }
}
