import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsDateString,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsIdentityEmail, IsUsername } from '../../../../libs/catalog/identity-rules';
import { PageQueryDto } from '../common/paging.dto';
import { IsTimestampWithOffset } from '../../../../libs/catalog/timestamp-input';
import { HasText } from '../../../../libs/catalog/text-input';

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ROLE_KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export class JoinerIdentityDto {
  @ApiProperty({ example: 'E1001' }) @Matches(KEY, { message: 'key must be an employee id (letters, digits, . _ -)' })
  key!: string;

  @ApiProperty({ example: 'jdoe', description: 'Letters, digits, ".", "_", "@", "-" (ASCII, max 128); unique ignoring case' }) @IsUsername()
  username!: string;

  @ApiProperty({ example: 'jdoe@example.org', description: 'ASCII address; unique ignoring case' }) @IsIdentityEmail()
  email!: string;

  @ApiProperty({ example: 'Jane Doe' }) @IsString() @Length(1, 200) @HasText()
  name!: string;

  @ApiProperty({ example: 'Radiology' }) @IsString() @Length(1, 200) @HasText()
  department!: string;

  @ApiProperty({ example: 'Radiographer' }) @IsString() @Length(1, 200) @HasText()
  title!: string;

  @ApiProperty({ example: 'E0007', description: 'identity key of the manager' }) @Matches(KEY)
  manager!: string;

  @ApiProperty({ example: '2027-01-04' }) @IsDateString({ strict: true })
  startDate!: string;
}

export class JoinerRequestDto {
  @ApiProperty({ type: JoinerIdentityDto }) @IsObject({ message: 'identity must be an object' }) @ValidateNested() @Type(() => JoinerIdentityDto)
  identity!: JoinerIdentityDto;

  @ApiProperty({ example: ['ehr-clinician'] })
  @ArrayMinSize(1) @ArrayMaxSize(50) @ArrayUnique() @Matches(ROLE_KEY, { each: true, message: 'each role must be a role key' })
  roles!: string[];

  @ApiProperty({ example: 'New radiographer starting in January' }) @IsString() @Length(1, 2000) @HasText()
  justification!: string;
}

export class MoverChangesDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) @HasText()
  department?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) @HasText()
  title?: string;

  @ApiPropertyOptional({ description: 'identity key of the new manager' }) @IsOptional() @Matches(KEY)
  manager?: string;
}

export class MoverRequestDto {
  @ApiProperty({ example: 'E1001' }) @Matches(KEY, { message: 'identity must be an identity key' })
  identity!: string;

  @ApiPropertyOptional({ example: ['pacs-reader'], default: [] })
  @ArrayMaxSize(50) @ArrayUnique() @Matches(ROLE_KEY, { each: true, message: 'each role must be a role key' })
  addRoles: string[] = [];

  @ApiPropertyOptional({ example: ['ehr-clinician'], default: [] })
  @ArrayMaxSize(50) @ArrayUnique() @Matches(ROLE_KEY, { each: true, message: 'each role must be a role key' })
  removeRoles: string[] = [];

  @ApiPropertyOptional({ type: MoverChangesDto }) @IsOptional() @IsObject({ message: 'changes must be an object' }) @ValidateNested() @Type(() => MoverChangesDto)
  changes?: MoverChangesDto;

  @ApiProperty() @IsString() @Length(1, 2000) @HasText()
  justification!: string;

  @ApiPropertyOptional({ description: 'ISO-8601 with offset; recorded (org changes apply at completion)' })
  @IsOptional() @IsTimestampWithOffset()
  effectiveAt?: string;
}

export class DecisionDto {
  @ApiProperty({ enum: ['approve', 'reject'] }) @IsIn(['approve', 'reject'])
  decision!: 'approve' | 'reject';

  @ApiProperty({ example: 'Matches the role catalog for radiographers', description: 'required (not blank) to reject' }) @IsString() @MaxLength(2000)
  @HasText((o: DecisionDto) => o.decision === 'reject', 'comment is required to reject and must not be blank')
  comment!: string;
}

export class CancelDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000)
  reason?: string;
}

export class CompleteTaskDto {
  @ApiProperty({ example: 'Account created in the EHR with the clinician profile' }) @IsString() @Length(1, 2000) @HasText()
  note!: string;

  @ApiPropertyOptional({ example: 'INC-20411' }) @IsOptional() @IsString() @Length(1, 200) @HasText()
  externalRef?: string;
}

export class RequestListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['scheduled', 'pending_approval', 'rejected', 'provisioning', 'deprovisioning', 'completed', 'cancelled'] })
  @IsOptional() @IsIn(['scheduled', 'pending_approval', 'rejected', 'provisioning', 'deprovisioning', 'completed', 'cancelled'])
  status?: string;

  @ApiPropertyOptional({ enum: ['joiner', 'mover', 'leaver'] }) @IsOptional() @IsIn(['joiner', 'mover', 'leaver'])
  kind?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(KEY)
  identity?: string;
}

export class TaskListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'done', 'cancelled'] }) @IsOptional() @IsIn(['open', 'done', 'cancelled'])
  status?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64)
  system?: string;
}

export class AcceptedRequestDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['joiner', 'mover', 'leaver'] }) kind!: string;
  @ApiProperty({ enum: ['scheduled', 'pending_approval', 'rejected', 'provisioning', 'deprovisioning', 'completed', 'cancelled'] }) status!: string;
  @ApiProperty({ example: 'joiner-3f0c…' }) workflowId!: string;
}

/** A leaver brought forward: the request and its new effective time. */
export class BroughtForwardDto extends AcceptedRequestDto {
  @ApiProperty({ format: 'date-time' }) effectiveAt!: string;
}
