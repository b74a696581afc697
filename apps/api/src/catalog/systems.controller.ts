import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { CreateSystemInput, SystemBody } from '../../../../libs/catalog/inputs';
import { createSystem, getSystem, listSystems, replaceSystem } from '../../../../libs/catalog/systems.service';
import { actorOf, Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { CATALOG_KEY } from '../../../../libs/catalog/inputs';
import { ApiErrors } from '../common/openapi/api-errors';
import { KeyParam } from '../common/openapi/params';
import { ListQuery } from './queries';
import { SystemPage, SystemResponse } from './responses';

@ApiTags('catalog')
@Controller('api/v1/systems')
export class SystemsController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SystemPage })
  @ApiErrors(400)
  list(@Query() q: ListQuery) {
    return listSystems(this.em, q);
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: SystemResponse })
  @ApiErrors(400, [409, 'A system with this key exists'], 413)
  create(@Body() body: CreateSystemInput, @CurrentPrincipal() p: Principal) {
    return createSystem(this.em, body, actorOf(p));
  }

  @Get(':key')
  @Authenticated()
  @KeyParam('key', CATALOG_KEY, 'ehr')
  @ApiOkResponse({ type: SystemResponse })
  @ApiErrors(400, [404, 'No such system'])
  get(@Param('key') key: string) {
    return getSystem(this.em, key);
  }

  @Put(':key')
  @Roles('admin')
  @KeyParam('key', CATALOG_KEY, 'ehr')
  @ApiOkResponse({ type: SystemResponse })
  @ApiErrors(400, [404, 'No such system'], [409, 'An entitlement still granted by a role would be removed'], 413)
  replace(@Param('key') key: string, @Body() body: SystemBody, @CurrentPrincipal() p: Principal) {
    return replaceSystem(this.em, key, body, actorOf(p));
  }
}
