import { Module } from '@nestjs/common';
import { TemporalClientModule } from '../../../../libs/temporal/temporal-client.module';
import { RequestsModule } from '../requests/requests.module';
import { CampaignReadService } from './campaign-read.service';
import { CampaignStartService } from './campaign-start.service';
import { CertificationSchedulesController, CertificationsController } from './certifications.controller';
import { ReportService } from './report.service';
import { ReviewService } from './review.service';
import { SchedulesService } from './schedules.service';

/** Access certification campaigns (issue 13, ADR 060): start, review, report and schedules. */
@Module({
  imports: [TemporalClientModule, RequestsModule],
  controllers: [CertificationsController, CertificationSchedulesController],
  providers: [CampaignStartService, CampaignReadService, ReviewService, ReportService, SchedulesService],
})
export class CertificationsModule {}
