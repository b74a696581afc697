import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { createIdentity, getIdentity, listIdentities, updateIdentity } from '../../../../libs/catalog/identities.service';
import { CreateIdentityInput, IDENTITY_KEY, IdentityBody } from '../../../../libs/catalog/inputs';
import { ApiErrors } from '../common/openapi/api-errors';
import { KeyParam } from '../common/openapi/params';
import { actorOf, Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { IdentityListQuery } from './queries';
import { IdentityDetailResponse, IdentityPage } from './responses';

@ApiTags('identities')
@Controller('api/v1/identities')
export class IdentitiesController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: IdentityPage })
  @ApiErrors(400)
  list(@Query() q: IdentityListQuery) {
    return listIdentities(this.em, q);
  }

  @Post()
  @Roles('hr', 'admin')
  @ApiCreatedResponse({ type: IdentityDetailResponse })
  @ApiErrors(400, [409, 'The key, username or email is taken'], 413)
  create(@Body() body: CreateIdentityInput, @CurrentPrincipal() p: Principal) {
    return createIdentity(this.em, body, actorOf(p));
  }

  @Get(':key')
  @Authenticated()
  @KeyParam('key', IDENTITY_KEY, 'E1101')
  @ApiOkResponse({ type: IdentityDetailResponse, description: 'With current access and its provenance' })
  @ApiErrors(400, [404, 'No such identity'])
  get(@Param('key') key: string) {
    return getIdentity(this.em, key);
  }

  @Put(':key')
  @Roles('hr', 'admin')
  @KeyParam('key', IDENTITY_KEY, 'E1101')
  @ApiOkResponse({ type: IdentityDetailResponse })
  @ApiErrors(400, [404, 'No such identity'], [409, 'The username or email is taken, or the status cannot change here'], 413)
  update(@Param('key') key: string, @Body() body: IdentityBody, @CurrentPrincipal() p: Principal) {
    return updateIdentity(this.em, key, body, actorOf(p));
  }
}
