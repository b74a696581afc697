import { Module } from '@nestjs/common';
import { TemporalClientModule } from '../../../../libs/temporal/temporal-client.module';
import { TicketCallbackController } from './ticket-callback.controller';
import { TicketCallbackService } from './ticket-callback.service';

@Module({
  imports: [TemporalClientModule],
  controllers: [TicketCallbackController],
  providers: [TicketCallbackService],
})
export class TicketsModule {}
