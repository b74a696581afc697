import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn } from 'class-validator';
import { APP_ROLES, type AppRole } from '../../../../libs/auth/app-roles';

export class PutAppRolesDto {
  @ApiProperty({ enum: APP_ROLES, isArray: true, example: ['hr'], description: 'The complete set of internal roles the identity should hold' })
  @IsArray()
  @ArrayMaxSize(APP_ROLES.length * 2)
  @IsIn(APP_ROLES, { each: true, message: `each value in roles must be one of: ${APP_ROLES.join(', ')}` })
  roles!: AppRole[];
}

export class AppRoleAssignmentDto {
  @ApiProperty({ enum: APP_ROLES }) role!: AppRole;
  @ApiProperty({ description: 'Who granted it (identity key, or system:api for BOOTSTRAP_ADMINS)' }) grantedBy!: string;
  @ApiProperty({ type: String, format: 'date-time' }) grantedAt!: string;
}

export class AppRolesDto {
  @ApiProperty() identity!: string;
  @ApiProperty({ enum: APP_ROLES, isArray: true }) roles!: AppRole[];
  @ApiProperty({ type: AppRoleAssignmentDto, isArray: true }) assignments!: AppRoleAssignmentDto[];
}
