import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CURSOR_MAX_LENGTH, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../../../../libs/catalog/pagination';

/**
 * The paging query of every list endpoint (ADR 080): `limit` 1..500 (default 50; above the
 * maximum is a 400 naming it) and the opaque `cursor` from the previous page's `nextCursor`.
 * List queries with filters extend this class; none declares its own limit.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ default: PAGE_LIMIT_DEFAULT, minimum: 1, maximum: PAGE_LIMIT_MAX, description: `Page size, 1 to ${PAGE_LIMIT_MAX}` })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be a whole number' }) @Min(1, { message: 'limit must be at least 1' })
  @Max(PAGE_LIMIT_MAX, { message: `limit must not be greater than ${PAGE_LIMIT_MAX} (the maximum page size)` })
  limit?: number;

  @ApiPropertyOptional({ description: "Opaque cursor from the previous page's `nextCursor`, valid only for the same list", maxLength: CURSOR_MAX_LENGTH })
  @IsOptional() @IsString() @MaxLength(CURSOR_MAX_LENGTH)
  cursor?: string;
}
