import { Module } from '@nestjs/common';
import { TemporalClientModule } from '../../../../libs/temporal/temporal-client.module';
import { DecisionsService } from './decisions.service';
import { IntakeService } from './intake.service';
import { OutboxRelayService } from './outbox-relay.service';
import { RequestReadService } from './read.service';
import { RequestsController } from './requests.controller';
import { TasksController } from './tasks.controller';

/** Joiner and mover intake, decisions, cancellation, tasks and the workflow outbox relay. */
@Module({
  imports: [TemporalClientModule],
  controllers: [RequestsController, TasksController],
  providers: [IntakeService, DecisionsService, RequestReadService, OutboxRelayService],
  exports: [OutboxRelayService],
})
export class RequestsModule {}
