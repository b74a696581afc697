import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { DecisionsService } from '../requests/decisions.service';
import { ApiErrors } from '../common/openapi/api-errors';
import { UuidParam } from '../common/openapi/params';
import { AcceptedRequestDto, BroughtForwardDto } from '../requests/requests.dto';
import { IntakeService } from '../requests/intake.service';
import { BringForwardDto, CancelLeaverDto, CreateLeaverDto, LeaverAcceptedDto } from './leaver.dto';
import { uuidParam } from '../common/validation';


/** Leavers on the one request machine: the same intake, cancellation and outbox as joiners and movers. */
@ApiTags('requests')
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
  @ApiErrors(400, [404, 'No such identity'], [409, 'Already terminated, or a leaver is already running for the identity'], 413)
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateLeaverDto): Promise<LeaverAcceptedDto> {
    return this.intake.leaver(p, dto);
  }

  @Post(':id/cancel')
  @Roles('hr', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a scheduled leaver (409 once effective).' })
  @UuidParam()
  @ApiOkResponse({ type: AcceptedRequestDto })
  @ApiErrors(400, [404, 'No such leaver request'], [409, 'No longer scheduled'], 413)
  cancel(@CurrentPrincipal() p: Principal, @Param('id', uuidParam) id: string, @Body() dto: CancelLeaverDto) {
    return this.decisions.cancel(p, id, dto, 'leaver');
  }

  @Post(':id/bring-forward')
  @Roles('hr', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bring a scheduled leaver forward (default: now); 409 once effective.' })
  @UuidParam()
  @ApiOkResponse({ type: BroughtForwardDto })
  @ApiErrors(400, [404, 'No such leaver request'], [409, 'No longer scheduled, or the time is not earlier than the current one'], 413)
  bringForward(@CurrentPrincipal() p: Principal, @Param('id', uuidParam) id: string, @Body() dto: BringForwardDto) {
    return this.decisions.bringLeaverForward(p, id, dto);
  }
}
