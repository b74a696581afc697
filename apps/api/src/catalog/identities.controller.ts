import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { createIdentity, getIdentity, listIdentities, updateIdentity } from '../../../../libs/catalog/identities.service';
import { CreateIdentityInput, IdentityBody } from '../../../../libs/catalog/inputs';
import { actorOf, Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { IdentityListQuery } from './queries';
import { IdentityDetailResponse, IdentityPage } from './responses';

@ApiTags('identities')
@ApiBearerAuth()
@Controller('api/v1/identities')
export class IdentitiesController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: IdentityPage })
  list(@Query() q: IdentityListQuery) {
    return listIdentities(this.em, q);
  }

  @Post()
  @Roles('hr', 'admin')
  @ApiOkResponse({ type: IdentityDetailResponse })
  create(@Body() body: CreateIdentityInput, @CurrentPrincipal() p: Principal) {
    return createIdentity(this.em, body, actorOf(p));
  }

  @Get(':key')
  @Authenticated()
  @ApiOkResponse({ type: IdentityDetailResponse, description: 'With current access and its provenance' })
  get(@Param('key') key: string) {
    return getIdentity(this.em, key);
  }

  @Put(':key')
  @Roles('hr', 'admin')
  @ApiOkResponse({ type: IdentityDetailResponse })
  update(@Param('key') key: string, @Body() body: IdentityBody, @CurrentPrincipal() p: Principal) {
    return updateIdentity(this.em, key, body, actorOf(p));
  }
}
