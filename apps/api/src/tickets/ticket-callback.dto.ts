import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI description of the callback body. The body is validated after the HMAC check, by libs/tickets/callback.ts. */
export class TicketResolverDto {
  @ApiProperty({ example: 'Jane Doe', description: 'The person who carried out the task in the helpdesk: the attestation name.' })
  name: string;

  @ApiPropertyOptional({ example: 'jane.doe@example.org' })
  email?: string;
}

export class TicketCallbackDto {
  @ApiProperty({ enum: ['jml.ticket-callback/v1'] })
  schema: string;

  @ApiProperty({ description: 'Unique per callback, inside the signed body; a repeat is refused with 409.', example: 'hd-evt-88121' })
  callbackId: string;

  @ApiProperty({ description: 'The ticketId of the ticket (the task id).', format: 'uuid' })
  ticketId: string;

  @ApiProperty({ enum: ['resolved'] })
  status: string;

  @ApiProperty({ type: TicketResolverDto })
  resolvedBy: TicketResolverDto;

  @ApiPropertyOptional({ example: 'Account disabled, tokens revoked.' })
  note?: string;

  @ApiPropertyOptional({ example: 'HD-1042' })
  externalRef?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  resolvedAt?: string;
}

export class TicketCallbackResultDto {
  @ApiProperty({ format: 'uuid' })
  taskId: string;

  @ApiProperty({ enum: ['done'] })
  status: string;

  @ApiProperty()
  completedByName: string;

  @ApiProperty({ format: 'date-time' })
  completedAt: string;
}
