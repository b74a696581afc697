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
    description: 'Every problem found, e.g. one entry per invalid field or row',
    example: [{ path: 'identity.email', problems: ['email must be an email'] }],
  })
  details?: unknown;
}
