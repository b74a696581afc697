import { Body, Controller, Get, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { CATALOG_KEY, CreateRoleInput, PutRoleInput } from '../../../../libs/catalog/inputs';
import { ApiErrors } from '../common/openapi/api-errors';
import { KeyParam } from '../common/openapi/params';
import { createRole, getRole, listRoles, listRoleVersions, putRole } from '../../../../libs/catalog/roles.service';
import { actorOf, Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { ListQuery, RoleListQuery } from './queries';
import { RolePage, RoleResponse } from './responses';

@ApiTags('catalog')
@Controller('api/v1/roles')
export class RolesController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: RolePage, description: 'The current version of each role' })
  @ApiErrors(400)
  list(@Query() q: RoleListQuery) {
    return listRoles(this.em, q);
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: RoleResponse, description: 'Version 1 of the new role' })
  @ApiErrors(400, [409, 'A role with this key exists'], 413)
  create(@Body() body: CreateRoleInput, @CurrentPrincipal() p: Principal) {
    return createRole(this.em, body, actorOf(p));
  }

  @Get(':key')
  @Authenticated()
  @KeyParam('key', CATALOG_KEY, 'rn-inpatient')
  @ApiOkResponse({ type: RoleResponse, description: 'The current version' })
  @ApiErrors(400, [404, 'No such role'])
  get(@Param('key') key: string) {
    return getRole(this.em, key);
  }

  /** Admins, or the owner of the role's current version (checked by the service: 403 with the reason). */
  @Put(':key')
  @Authenticated()
  @KeyParam('key', CATALOG_KEY, 'rn-inpatient')
  @ApiOkResponse({ type: RoleResponse, description: 'The new version (n+1); earlier versions are unchanged' })
  @ApiErrors(400, [403, 'Neither an admin nor the owner of the role'], [404, 'No such role'], [409, 'Changed concurrently, or no longer at `expectedVersion`: reload and retry'], 413)
  put(@Param('key') key: string, @Body() body: PutRoleInput, @CurrentPrincipal() p: Principal) {
    return putRole(this.em, key, body, { actor: actorOf(p), identityKey: p.identityKey, isAdmin: p.roles.includes('admin') });
  }

  @Get(':key/versions')
  @Authenticated()
  @KeyParam('key', CATALOG_KEY, 'rn-inpatient')
  @ApiOkResponse({ type: RolePage, description: 'Every version, oldest first, paged (`limit`, `cursor`)' })
  @ApiErrors(400, [404, 'No such role'])
  versions(@Param('key') key: string, @Query() q: ListQuery) {
    return listRoleVersions(this.em, key, q);
  }

  @Get(':key/versions/:version')
  @Authenticated()
  @KeyParam('key', CATALOG_KEY, 'rn-inpatient')
  @ApiParam({ name: 'version', schema: { type: 'integer', minimum: 1, maximum: 2147483647 }, example: 1 })
  @ApiOkResponse({ type: RoleResponse })
  @ApiErrors(400, [404, 'No such role or version'])
  version(@Param('key') key: string, @Param('version', ParseIntPipe) version: number) {
    return getRole(this.em, key, version);
  }
}
