import { Module } from '@nestjs/common';
import { TemporalClientModule } from '../../../../libs/temporal/temporal-client.module';
import { DecisionsService } from './decisions.service';
import { IntakeService } from './intake.service';
import { OutboxRelayService } from './outbox-relay.service';
import { RequestReadService } from './read.service';
import { RequestsController } from './requests.controller';
import { TasksController } from './tasks.controller';
import { LeaverController } from '../leavers/leaver.controller';

/** The request machine's API: intake of every kind, decisions, cancellation, tasks and the workflow outbox relay. */
@Module({
  imports: [TemporalClientModule],
  controllers: [RequestsController, LeaverController, TasksController],
  providers: [IntakeService, DecisionsService, RequestReadService, OutboxRelayService],
  exports: [OutboxRelayService],
})
export class RequestsModule {}
