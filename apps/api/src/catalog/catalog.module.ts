import { Module } from '@nestjs/common';
import { CatalogIoController } from './catalog-io.controller';
import { IdentitiesController } from './identities.controller';
import { CatalogReportsController } from './reports.controller';
import { RolesController } from './roles.controller';
import { SodRulesController } from './sod-rules.controller';
import { SystemsController } from './systems.controller';

/** The system of record over HTTP: systems, roles, SoD rules, identities, import/export, access and SoD reports. */
@Module({
  controllers: [SystemsController, RolesController, SodRulesController, IdentitiesController, CatalogIoController, CatalogReportsController],
})
export class CatalogModule {}
