import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { PublicRoute } from '../auth/policy';
import { ApiErrors } from '../common/openapi/api-errors';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, IDEMPOTENCY_HEADER } from '../../../../libs/tickets/signing';
import { TicketCallbackDto, TicketCallbackResultDto } from './ticket-callback.dto';
import { TicketCallbackService } from './ticket-callback.service';

/**
 * Public at the guard level on purpose: the helpdesk has no user token. It is authenticated by
 * the HMAC signature over the raw body instead, checked before anything else (see docs/tickets.md).
 */
@ApiTags('tickets')
@Controller('api/v1/tickets')
export class TicketCallbackController {
  constructor(private readonly callbacks: TicketCallbackService) {}

  @Post('callback')
  @PublicRoute()
  @HttpCode(200)
  @ApiOperation({ summary: 'A helpdesk resolved a ticket: completes the task with the resolver as attestation (HMAC-signed).' })
  @ApiHeader({ name: TIMESTAMP_HEADER, required: true, description: 'Unix seconds; must be within 5 minutes of our clock.' })
  @ApiHeader({ name: SIGNATURE_HEADER, required: true, description: 'v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">' })
  @ApiHeader({ name: IDEMPOTENCY_HEADER, required: false, description: 'If sent, must equal callbackId.' })
  @ApiBody({ type: TicketCallbackDto })
  @ApiOkResponse({ type: TicketCallbackResultDto })
  @ApiErrors(
    400,
    [401, 'Missing, stale or wrong signature, or callbacks are disabled (no TICKET_HMAC_SECRET)'],
    [404, 'No such ticket'],
    [409, 'Replayed callback, or the ticket was not sent to a helpdesk'],
    413,
  )
  callback(@Req() req: RawBodyRequest<Request>): Promise<TicketCallbackResultDto> {
    return this.callbacks.handle(req.rawBody, req.headers);
  }
}
