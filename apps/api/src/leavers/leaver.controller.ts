import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { DecisionsService } from '../requests/decisions.service';
import { IntakeService } from '../requests/intake.service';
import { BringForwardDto, CancelLeaverDto, CreateLeaverDto, LeaverAcceptedDto } from './leaver.dto';

const uuid = new ParseUUIDPipe({ version: '4' });

/** Leavers on the one request machine: the same intake, cancellation and outbox as joiners and movers. */
@ApiTags('requests')
@ApiBearerAuth()
@Controller('api/v1/requests/leaver')
export class LeaverController {
  constructor(
    private readonly intake: IntakeService,
    private readonly decisions: DecisionsService,
  ) {}

  @Post()
  @Roles('hr')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a leaver (now, or effective-dated); 409 while one is open for the identity.' })
  @ApiAcceptedResponse({ type: LeaverAcceptedDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateLeaverDto): Promise<LeaverAcceptedDto> {
    return this.intake.leaver(p, dto);
  }

  @Post(':id/cancel')
  @Roles('hr', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a scheduled leaver (409 once effective).' })
  @ApiOkResponse()
  cancel(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Body() dto: CancelLeaverDto) {
    return this.decisions.cancel(p, id, dto, 'leaver');
  }

  @Post(':id/bring-forward')
  @Roles('hr', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bring a scheduled leaver forward (default: now); 409 once effective.' })
  @ApiOkResponse()
  bringForward(@CurrentPrincipal() p: Principal, @Param('id', uuid) id: string, @Body() dto: BringForwardDto) {
    return this.decisions.bringLeaverForward(p, id, dto);
  }
}
