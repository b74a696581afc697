import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IDENTITY_KEY } from '../../../../libs/catalog/inputs';
import { ApiErrors } from '../common/openapi/api-errors';
import { KeyParam } from '../common/openapi/params';
import { AppRolesDto, PutAppRolesDto } from './app-roles.dto';
import { AppRolesService } from './app-roles.service';
import { actorOf, CurrentPrincipal, Roles, type Principal } from './policy';

/** The tool's own role assignments of one identity (admin only). */
@ApiTags('identities')
@Controller('api/v1/identities/:key/app-roles')
export class AppRolesController {
  constructor(private readonly appRoles: AppRolesService) {}

  @Get()
  @Roles('admin')
  @KeyParam('key', IDENTITY_KEY, 'E1101')
  @ApiOkResponse({ type: AppRolesDto })
  @ApiErrors(400, [404, 'No such identity'])
  get(@Param('key') key: string): Promise<AppRolesDto> {
    return this.appRoles.get(key);
  }

  /** Replaces the identity's internal roles; each grant and removal is audited. */
  @Put()
  @Roles('admin')
  @KeyParam('key', IDENTITY_KEY, 'E1101')
  @ApiOkResponse({ type: AppRolesDto })
  @ApiErrors(400, [404, 'No such identity'], [409, 'The identity is terminated, or this would remove the last admin'], 413)
  put(@Param('key') key: string, @Body() body: PutAppRolesDto, @CurrentPrincipal() principal: Principal): Promise<AppRolesDto> {
    return this.appRoles.replace(key, body.roles, actorOf(principal));
  }
}
