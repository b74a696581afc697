import { Module } from '@nestjs/common';
import { TemporalClientModule } from '../../../../libs/temporal/temporal-client.module';
import { LeaverSlaReportController } from './leaver-sla.controller';
import { LeaverSlaReportService } from './leaver-sla.service';
import { LeaverController } from './leaver.controller';
import { LeaverService } from './leaver.service';

@Module({
  imports: [TemporalClientModule],
  controllers: [LeaverController, LeaverSlaReportController],
  providers: [LeaverService, LeaverSlaReportService],
})
export class LeaversModule {}
