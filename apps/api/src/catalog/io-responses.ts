import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of the catalog import and export (as the services return them). */
export class ImportResultDto {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ description: 'True when this call wrote the changes' }) applied!: boolean;
  @ApiProperty({ description: 'True when the database already holds everything in the bundle' }) unchanged!: boolean;
  @ApiProperty({ type: String, nullable: true }) batchId!: string | null;
  @ApiProperty({ description: 'SHA-256 of the bundle (canonical JSON)' }) digest!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      required: ['created', 'updated', 'unchanged'],
      properties: { created: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' } },
    },
    description: 'Per entity: systems, roles, sodRules, identities, access',
  })
  counts!: Record<string, { created: number; updated: number; unchanged: number }>;
}

/** `GET /catalog/export` (JSON): the versioned bundle, see docs/catalog-export.md. */
export class CatalogBundleDto {
  @ApiProperty({ example: 'jml-catalog' }) format!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) systems!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) roles!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) sodRules!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) identities!: object[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) access!: object[];
}

/** `GET /catalog/export?format=csv` without `entity`: every file, each a CSV text. */
export class CatalogCsvExportDto {
  @ApiProperty({ example: 'jml-catalog+csv' }) format!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' }, description: 'CSV text per entity' }) csv!: Record<string, string>;
}
