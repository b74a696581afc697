import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AppRolesDto, PutAppRolesDto } from './app-roles.dto';
import { AppRolesService } from './app-roles.service';
import { actorOf, CurrentPrincipal, Roles, type Principal } from './policy';

/** The tool's own role assignments of one identity (admin only). */
@ApiTags('identities')
@ApiBearerAuth()
@Controller('api/v1/identities/:key/app-roles')
export class AppRolesController {
  constructor(private readonly appRoles: AppRolesService) {}

  @Get()
  @Roles('admin')
  @ApiOkResponse({ type: AppRolesDto })
  get(@Param('key') key: string): Promise<AppRolesDto> {
    return this.appRoles.get(key);
  }

  /** Replaces the identity's internal roles; each grant and removal is audited. */
  @Put()
  @Roles('admin')
  @ApiOkResponse({ type: AppRolesDto })
  put(@Param('key') key: string, @Body() body: PutAppRolesDto, @CurrentPrincipal() principal: Principal): Promise<AppRolesDto> {
    return this.appRoles.replace(key, body.roles, actorOf(principal));
  }
}
