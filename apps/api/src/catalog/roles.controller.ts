import { Body, Controller, Get, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { CreateRoleInput, RoleBody } from '../../../../libs/catalog/inputs';
import { createRole, getRole, listRoles, listRoleVersions, putRole } from '../../../../libs/catalog/roles.service';
import { actorOf, Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { ListQuery, RoleListQuery } from './queries';
import { RolePage, RoleResponse } from './responses';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('api/v1/roles')
export class RolesController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: RolePage, description: 'The current version of each role' })
  list(@Query() q: RoleListQuery) {
    return listRoles(this.em, q);
  }

  @Post()
  @Roles('admin')
  @ApiOkResponse({ type: RoleResponse, description: 'Version 1 of the new role' })
  create(@Body() body: CreateRoleInput, @CurrentPrincipal() p: Principal) {
    return createRole(this.em, body, actorOf(p));
  }

  @Get(':key')
  @Authenticated()
  @ApiOkResponse({ type: RoleResponse, description: 'The current version' })
  get(@Param('key') key: string) {
    return getRole(this.em, key);
  }

  /** Admins, or the owner of the role's current version (checked by the service: 403 with the reason). */
  @Put(':key')
  @Authenticated()
  @ApiOkResponse({ type: RoleResponse, description: 'The new version (n+1); earlier versions are unchanged' })
  put(@Param('key') key: string, @Body() body: RoleBody, @CurrentPrincipal() p: Principal) {
    return putRole(this.em, key, body, { actor: actorOf(p), identityKey: p.identityKey, isAdmin: p.roles.includes('admin') });
  }

  @Get(':key/versions')
  @Authenticated()
  @ApiOkResponse({ type: RolePage, description: 'Every version, oldest first, paged (`limit`, `cursor`)' })
  versions(@Param('key') key: string, @Query() q: ListQuery) {
    return listRoleVersions(this.em, key, q);
  }

  @Get(':key/versions/:version')
  @Authenticated()
  @ApiOkResponse({ type: RoleResponse })
  version(@Param('key') key: string, @Param('version', ParseIntPipe) version: number) {
    return getRole(this.em, key, version);
  }
}
