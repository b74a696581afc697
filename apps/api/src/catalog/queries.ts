import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CATALOG_KEY, IDENTITY_KEY } from '../../../../libs/catalog/inputs';
import { PageQueryDto } from '../common/paging.dto';
import { IsMomentFilter, IsNotFuture, MOMENT_FILTER_TEXT } from '../../../../libs/catalog/timestamp-input';

/** The catalog lists page like every other list (one paging DTO). */
export { PageQueryDto as ListQuery };

export class RoleListQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only roles whose current version is owned by this identity' })
  @IsOptional() @Matches(IDENTITY_KEY, { message: 'owner must be an identity key' })
  owner?: string;
}

export class SodListQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'retired', 'all'], default: 'active' })
  @IsOptional() @IsIn(['active', 'retired', 'all'])
  status?: 'active' | 'retired' | 'all';
}

export class IdentityListQuery extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  department?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(IDENTITY_KEY, { message: 'manager must be an identity key' })
  manager?: string;

  @ApiPropertyOptional({ enum: ['pending', 'active', 'terminated'] }) @IsOptional() @IsIn(['pending', 'active', 'terminated'])
  status?: 'pending' | 'active' | 'terminated';

  @ApiPropertyOptional({ description: 'Search key, username, name or email (case-insensitive)' }) @IsOptional() @IsString() @MaxLength(200)
  q?: string;
}

export class AccessReportQuery extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(IDENTITY_KEY, { message: 'identity must be an identity key' })
  identity?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(CATALOG_KEY, { message: 'role must be a role key' })
  role?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(CATALOG_KEY, { message: 'system must be a system key' })
  system?: string;

  @ApiPropertyOptional({ enum: ['request', 'imported'] }) @IsOptional() @IsIn(['request', 'imported'])
  provenance?: 'request' | 'imported';

  @ApiPropertyOptional({ description: `A past moment, ${MOMENT_FILTER_TEXT}: the access held then (auditors sample a date); default: now. A moment more than 60 s ahead of the server's clock is a 400` })
  @IsOptional() @IsMomentFilter() @IsNotFuture()
  at?: string;
}

export class ImportQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'Validate and report what would change; write nothing' })
  @IsOptional() @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

export const EXPORT_ENTITIES = ['systems', 'entitlements', 'roles', 'sodRules', 'identities', 'access'] as const;

export class ExportQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' }) @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ enum: EXPORT_ENTITIES, description: 'format=csv: one entity as a text/csv file' })
  @IsOptional() @IsIn([...EXPORT_ENTITIES])
  entity?: (typeof EXPORT_ENTITIES)[number];
}
