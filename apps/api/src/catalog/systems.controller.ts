import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { CreateSystemInput, SystemBody } from '../../../../libs/catalog/inputs';
import { createSystem, getSystem, listSystems, replaceSystem } from '../../../../libs/catalog/systems.service';
import { actorOf, Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { ListQuery } from './queries';
import { SystemPage, SystemResponse } from './responses';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('api/v1/systems')
export class SystemsController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SystemPage })
  list(@Query() q: ListQuery) {
    return listSystems(this.em, q);
  }

  @Post()
  @Roles('admin')
  @ApiOkResponse({ type: SystemResponse })
  create(@Body() body: CreateSystemInput, @CurrentPrincipal() p: Principal) {
    return createSystem(this.em, body, actorOf(p));
  }

  @Get(':key')
  @Authenticated()
  @ApiOkResponse({ type: SystemResponse })
  get(@Param('key') key: string) {
    return getSystem(this.em, key);
  }

  @Put(':key')
  @Roles('admin')
  @ApiOkResponse({ type: SystemResponse })
  replace(@Param('key') key: string, @Body() body: SystemBody, @CurrentPrincipal() p: Principal) {
    return replaceSystem(this.em, key, body, actorOf(p));
  }
}
