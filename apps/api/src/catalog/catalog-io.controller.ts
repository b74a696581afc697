import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors';
import { CatalogBundleDto, CatalogCsvExportDto, ImportResultDto } from './io-responses';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Response } from 'express';
import { bundleToCsv, exportCatalog } from '../../../../libs/catalog/io/export.service';
import { importCatalog } from '../../../../libs/catalog/io/import.service';
import { actorOf, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { ExportQuery, ImportQuery } from './queries';

@ApiTags('catalog')
@ApiExtraModels(CatalogBundleDto, CatalogCsvExportDto)
@Controller('api/v1/catalog')
export class CatalogIoController {
  constructor(private readonly em: EntityManager) {}

  /**
   * Bulk onboarding. The body is a JSON bundle `{ version: 1, systems, roles, sodRules, identities,
   * access }` or CSV files per entity `{ csv: { systems, entitlements, roles, sodRules, identities,
   * access } }`. All or nothing; 400 lists every problem with its entity and row.
   */
  @Post('import')
  @Roles('admin')
  @HttpCode(200)
  @ApiBody({
    description: 'A catalog bundle (see docs/catalog-export.md), or { csv: { <entity>: "<csv text>" } }',
    schema: { type: 'object', additionalProperties: true, example: { version: 1, systems: [], roles: [], sodRules: [], identities: [], access: [] } },
  })
  @ApiOkResponse({ type: ImportResultDto, description: 'Applied, or (`dryRun=true`) what would change' })
  @ApiErrors([400, 'Every problem, with its entity and row, in `details`; nothing written'], 413)
  import(@Body() body: unknown, @Query() q: ImportQuery, @CurrentPrincipal() p: Principal) {
    return importCatalog(this.em, body, { dryRun: q.dryRun === 'true', actor: actorOf(p) });
  }

  /** The versioned bundle (JSON), or CSV: all files as `{ format, csv: {...} }`, or one `entity` as text/csv. */
  @Get('export')
  @Roles('admin')
  @ApiOkResponse({
    description: '`format=json`: the bundle; `format=csv`: every file as `{ format, version, exportedAt, csv }`, or one `entity` as text/csv',
    content: {
      'application/json': { schema: { oneOf: [{ $ref: getSchemaPath(CatalogBundleDto) }, { $ref: getSchemaPath(CatalogCsvExportDto) }] } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiErrors(400)
  async export(@Query() q: ExportQuery, @Res({ passthrough: true }) res: Response) {
    const bundle = await exportCatalog(this.em);
    if ((q.format ?? 'json') === 'json') return bundle;
    const csv = bundleToCsv(bundle);
    if (q.entity) {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${q.entity}.csv"`);
      return csv[q.entity];
    }
    return { format: `${bundle.format}+csv`, version: bundle.version, exportedAt: bundle.exportedAt, csv };
  }
}
