import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { PageQueryDto } from '../common/paging.dto';
import { ApiErrors } from '../common/openapi/api-errors';
import { UuidParam } from '../common/openapi/params';
import { DecisionsService } from './decisions.service';
import { IntakeService } from './intake.service';
import { RequestReadService } from './read.service';
import { AcceptedRequestDto, CancelDto, DecisionDto, JoinerRequestDto, MoverRequestDto, RequestListQueryDto } from './requests.dto';
import { ApprovalPageDto, DecisionResultDto, RequestDetailDto, RequestPageDto } from './responses.dto';
import { uuidParam } from '../common/validation';


@ApiTags('requests')
@Controller('api/v1')
export class RequestsController {
  constructor(
    private readonly intake: IntakeService,
    private readonly decisions: DecisionsService,
    private readonly read: RequestReadService,
  ) {}

  @Post('requests/joiner')
  @HttpCode(202)
  @Roles('requester', 'admin')
  @ApiOperation({ summary: 'Start a joiner request (a durable workflow `joiner-<id>`)' })
  @ApiAcceptedResponse({ type: AcceptedRequestDto })
  @ApiErrors(400, [409, 'The identity exists, or already has an open request'], 413)
  joiner(@CurrentPrincipal() p: Principal, @Body() dto: JoinerRequestDto) {
    return this.intake.joiner(p, dto);
  }

  @Post('requests/mover')
  @HttpCode(202)
  @Roles('requester', 'admin')
  @ApiOperation({ summary: 'Start a mover request (a durable workflow `mover-<id>`)' })
  @ApiAcceptedResponse({ type: AcceptedRequestDto })
  @ApiErrors(400, [404, 'No such identity'], [409, 'The identity is not active, has an open request, or nothing would change'], 413)
  mover(@CurrentPrincipal() p: Principal, @Body() dto: MoverRequestDto) {
    return this.intake.mover(p, dto);
  }

  @Get('requests')
  @Authenticated()
  @ApiOperation({ summary: 'Requests the caller is involved in (all of them for admins and auditors)' })
  @ApiOkResponse({ type: RequestPageDto })
  @ApiErrors(400)
  list(@CurrentPrincipal() p: Principal, @Query() q: RequestListQueryDto) {
    return this.read.listRequests(p, q);
  }

  @Get('requests/:id')
  @Authenticated()
  @ApiOperation({ summary: 'Status, diff, SoD findings, approvals with named decisions, tasks and timeline' })
  @UuidParam()
  @ApiOkResponse({ type: RequestDetailDto })
  @ApiErrors(400, [403, 'The caller is not involved in this request'], [404, 'No such request'])
  get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam) id: string) {
    return this.read.getRequest(p, id);
  }

  @Post('requests/:id/decisions')
  @HttpCode(201)
  @Authenticated()
  @ApiOperation({ summary: 'Approve or reject the open step (eligible approvers only; never the subject or requester)' })
  @UuidParam()
  @ApiCreatedResponse({ type: DecisionResultDto })
  @ApiErrors(400, [403, 'Not an eligible approver, or the caller\'s own request or access'], [404, 'No such request'], [409, 'Already decided, no open step, or the request is closed'], 413)
  decide(@CurrentPrincipal() p: Principal, @Param('id', uuidParam) id: string, @Body() dto: DecisionDto) {
    return this.decisions.decide(p, id, dto);
  }

  @Post('requests/:id/cancel')
  @HttpCode(202)
  @Roles('requester', 'hr', 'admin')
  @ApiOperation({ summary: 'Cancel a request not yet carried out (its requester or an administrator)' })
  @UuidParam()
  @ApiAcceptedResponse({ type: AcceptedRequestDto, description: 'Cancelled; the workflow is told after commit' })
  @ApiErrors(400, [403, 'Only the requester or an administrator'], [404, 'No such request'], [409, 'Closed, or partly carried out'], 413)
  cancel(@CurrentPrincipal() p: Principal, @Param('id', uuidParam) id: string, @Body() dto: CancelDto) {
    return this.decisions.cancel(p, id, dto);
  }

  @Get('approvals')
  @Authenticated()
  @ApiOperation({ summary: 'My pending approval items, each with its access diff' })
  @ApiOkResponse({ type: ApprovalPageDto })
  @ApiErrors(400)
  approvals(@CurrentPrincipal() p: Principal, @Query() q: PageQueryDto) {
    return this.read.approvals(p, q);
  }
}
