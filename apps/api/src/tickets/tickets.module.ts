import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module';
import { TicketCallbackController } from './ticket-callback.controller';
import { TicketCallbackService } from './ticket-callback.service';

@Module({
  imports: [RequestsModule],
  controllers: [TicketCallbackController],
  providers: [TicketCallbackService],
})
export class TicketsModule {}
