import { Module } from '@nestjs/common';
import { TemporalClientModule } from '../../../../libs/temporal/temporal-client.module';
import { LeaverSlaReportController } from './leaver-sla.controller';
import { LeaverSlaReportService } from './leaver-sla.service';

@Module({
  imports: [TemporalClientModule],
  controllers: [LeaverSlaReportController],
  providers: [LeaverSlaReportService],
})
export class LeaversModule {}
