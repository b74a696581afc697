import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { Identity } from '../../../../libs/identity/identity.entity';
import { APP_ROLES, type AppRole } from '../../../../libs/auth/app-roles';
import { Authenticated, CurrentPrincipal, type Principal } from './policy';

class MePrincipalDto {
  @ApiProperty({ enum: ['person', 'client'] }) kind!: 'person' | 'client';
  @ApiProperty({ description: 'Username of a person, client id of an integration' }) username!: string;
  @ApiProperty() displayName!: string;
}

class MeIdentityDto {
  @ApiProperty() key!: string;
  @ApiProperty() username!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) department!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) title!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) manager!: string | null;
  @ApiProperty({ enum: ['pending', 'active', 'terminated'] }) status!: string;
}

export class MeDto {
  @ApiProperty({ type: MePrincipalDto }) principal!: MePrincipalDto;
  @ApiProperty({ type: MeIdentityDto, nullable: true, description: 'Null for an integration client' }) identity!: MeIdentityDto | null;
  @ApiProperty({ enum: APP_ROLES, isArray: true, description: "The caller's internal roles in this tool" }) roles!: AppRole[];
}

@ApiTags('me')
@Controller('api/v1/me')
export class MeController {
  constructor(private readonly em: EntityManager) {}

  /** Who the caller is: principal, the identity it maps to, internal roles. */
  @Get()
  @Authenticated()
  @ApiOkResponse({ type: MeDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    const identity = principal.identityKey ? await this.em.findOne(Identity, { key: principal.identityKey }) : null;
    return {
      principal: { kind: principal.kind, username: principal.username, displayName: principal.displayName },
      identity: identity && {
        key: identity.key,
        username: identity.username,
        email: identity.email,
        name: identity.name,
        department: identity.department,
        title: identity.title,
        manager: identity.manager,
        status: identity.status,
      },
      roles: principal.roles,
    };
  }
}
