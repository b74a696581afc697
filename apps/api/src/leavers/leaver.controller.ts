import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { BringForwardDto, CancelLeaverDto, CreateLeaverDto, LeaverAcceptedDto } from './leaver.dto';
import { LeaverService } from './leaver.service';

@ApiTags('requests')
@ApiBearerAuth()
@Controller('api/v1/requests/leaver')
export class LeaverController {
  constructor(private readonly leavers: LeaverService) {}

  @Post()
  @Roles('hr')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a leaver (now, or effective-dated); 409 while one runs for the identity.' })
  @ApiAcceptedResponse({ type: LeaverAcceptedDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateLeaverDto): Promise<LeaverAcceptedDto> {
    return this.leavers.start(p, dto);
  }

  @Post(':id/cancel')
  @Roles('hr', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a scheduled leaver (409 once effective).' })
  @ApiOkResponse()
  cancel(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: CancelLeaverDto) {
    return this.leavers.cancel(p, id, dto);
  }

  @Post(':id/bring-forward')
  @Roles('hr', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bring a scheduled leaver forward (default: now).' })
  @ApiOkResponse()
  bringForward(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: BringForwardDto) {
    return this.leavers.bringForward(p, id, dto);
  }
}
