import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error shape of the API (SPEC section 7). */
export class ErrorBody {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'Invalid input' })
  message!: string;

  @ApiPropertyOptional({
    description:
      'Every problem found: for invalid input one entry per field (`{ path, problems }`) or row; for some conflicts an object ' +
      '(e.g. `{ items }` naming what is in the way, or the pre-flight report of a campaign that cannot start)',
    oneOf: [
      { type: 'array', items: { type: 'object', additionalProperties: true } },
      { type: 'object', additionalProperties: true },
    ],
    example: [{ path: 'identity.email', problems: ['email must be an email'] }],
  })
  details?: unknown;
}
