import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiJsonOrCsvResponse } from '../common/openapi/api-errors';
import type { Response } from 'express';
import { Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { PageQueryDto } from '../common/paging.dto';
import { CampaignReadService } from './campaign-read.service';
import { CampaignStartService } from './campaign-start.service';
import {
  CampaignListQueryDto, CancelCampaignDto, DecisionsDto, ItemsQueryDto, ReassignDto, ReportQueryDto, ScheduleDto, StartCampaignDto, StartQueryDto,
} from './certifications.dto';
import { CampaignAcceptedDto, PreflightReportDto, SchedulePageDto, ScheduleViewDto } from './admin-responses.dto';
import { CAMPAIGN_ID, CampaignIdPipe } from './campaign-id.pipe';
import { CampaignCancelledDto, CampaignReportDto } from './more-responses.dto';
import { ReportService } from './report.service';
import { CampaignDetailDto, CampaignItemPageDto, CampaignPageDto, DecisionsAcceptedDto, ReassignedDto, SignedOffDto } from './responses.dto';
import { ReviewService } from './review.service';
import { SchedulesService } from './schedules.service';

const campaignId = new CampaignIdPipe();
/** The `{id}` of a campaign route: a uuid, or `<scheduleId>-<fire time>` for a scheduled run; any other shape is a 404. */
const CampaignIdParam = () => ApiParam({ name: 'id', schema: { type: 'string', pattern: CAMPAIGN_ID.source }, example: '3f0c1a52-7c2e-4d7e-9a51-0c8f4b7e2d11' });

@ApiTags('certifications')
@Controller('api/v1/certifications')
export class CertificationsController {
  constructor(
    private readonly start: CampaignStartService,
    private readonly read: CampaignReadService,
    private readonly review: ReviewService,
    private readonly reports: ReportService,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Start a campaign (202 with its workflow id); ?dryRun=true answers the pre-flight report (200); 409 with the report when it cannot start' })
  @ApiAcceptedResponse({ type: CampaignAcceptedDto, description: 'Started: the workflow `certification-<id>` generates the items' })
  @ApiOkResponse({ type: PreflightReportDto, description: '`dryRun=true`: what the campaign would do, nothing started' })
  @ApiErrors(400, [409, 'It cannot start: `details` is the pre-flight report saying why'], 413)
  async create(@CurrentPrincipal() p: Principal, @Query() q: StartQueryDto, @Body() dto: StartCampaignDto, @Res({ passthrough: true }) res: Response) {
    if (q.dryRun === 'true') {
      res.status(200);
      return this.start.dryRun(dto);
    }
    res.status(202);
    return this.start.start(p, dto);
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Campaigns: all for admins and auditors, the ones I review for reviewers' })
  @ApiOkResponse({ type: CampaignPageDto })
  @ApiErrors(400)
  list(@CurrentPrincipal() p: Principal, @Query() q: CampaignListQueryDto) {
    return this.read.list(p, q);
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'A campaign with its counts and per-reviewer progress' })
  @ApiOkResponse({ type: CampaignDetailDto })
  @CampaignIdParam()
  @ApiErrors(400, [403, 'Not a reviewer of this campaign (admins and auditors see all)'], [404, 'No such campaign'])
  get(@CurrentPrincipal() p: Principal, @Param('id', campaignId) id: string) {
    return this.read.get(p, id);
  }

  @Get(':id/items')
  @Authenticated()
  @ApiOperation({ summary: 'Items: my own by default (admins and auditors see all); filters reviewer, status, flag, identity, system' })
  @ApiOkResponse({ type: CampaignItemPageDto })
  @CampaignIdParam()
  @ApiErrors(400, [403, 'Not a reviewer of this campaign'], [404, 'No such campaign'])
  items(@CurrentPrincipal() p: Principal, @Param('id', campaignId) id: string, @Query() q: ItemsQueryDto) {
    return this.read.items(p, id, q);
  }

  @Post(':id/decisions')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Bulk certify/revoke (<= 1,000, all or nothing; 403 naming items not mine; 409 after sign-off)' })
  @ApiOkResponse({ type: DecisionsAcceptedDto })
  @CampaignIdParam()
  @ApiErrors(400, [403, 'Items that are not the caller\'s, named in `details`'], [404, 'No such campaign or item'], [409, 'Signed off, or the campaign is no longer active'], 413)
  decide(@CurrentPrincipal() p: Principal, @Param('id', campaignId) id: string, @Body() dto: DecisionsDto) {
    return this.review.decide(p, id, dto);
  }

  @Post(':id/reassign')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Hand items to another active person (never the subject); audited, flagged reviewer_changed' })
  @ApiOkResponse({ type: ReassignedDto })
  @CampaignIdParam()
  @ApiErrors(400, [403, 'Items that are not the caller\'s'], [404, 'No such campaign or item'], [409, 'The campaign is no longer active, or an item is decided'], 413)
  reassign(@CurrentPrincipal() p: Principal, @Param('id', campaignId) id: string, @Body() dto: ReassignDto) {
    return this.review.reassign(p, id, dto);
  }

  @Post(':id/sign-off')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Finish my review (409 naming any item still pending)' })
  @ApiOkResponse({ type: SignedOffDto })
  @CampaignIdParam()
  @ApiErrors(400, [403, 'Not a reviewer of this campaign'], [404, 'No such campaign'], [409, 'Items still pending (named), or already signed off'])
  signOff(@CurrentPrincipal() p: Principal, @Param('id', campaignId) id: string) {
    return this.review.signOff(p, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Cancel a generating or active campaign' })
  @CampaignIdParam()
  @ApiOkResponse({ type: CampaignCancelledDto })
  @ApiErrors(400, [404, 'No such campaign'], [409, 'The campaign is remediating, completed or cancelled'], 413)
  cancel(@CurrentPrincipal() p: Principal, @Param('id', campaignId) id: string, @Body() dto: CancelCampaignDto) {
    return this.start.cancel(p, id, dto);
  }

  @Get(':id/report')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Access at launch, every decision, remediation per revoke and access after (JSON; ?format=csv)' })
  @CampaignIdParam()
  @ApiJsonOrCsvResponse(CampaignReportDto, 'JSON by default; `format=csv`: one line per item (formula-safe cells)')
  @ApiErrors(400, [404, 'No such campaign'])
  async report(@CurrentPrincipal() p: Principal, @Param('id', campaignId) id: string, @Query() q: ReportQueryDto, @Res() res: Response) {
    const c = await this.read.visible(p, id);
    if (q.format === 'csv') await this.reports.csv(c, res);
    else await this.reports.json(c, res);
  }
}

@ApiTags('certifications')
@Controller('api/v1/certification-schedules')
export class CertificationSchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Recurring campaigns (Temporal Schedules) with their next and recent runs' })
  @ApiOkResponse({ type: SchedulePageDto })
  @ApiErrors(400)
  list(@Query() q: PageQueryDto) {
    return this.schedules.list(q);
  }

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Create a recurring campaign: cron (five fields, UTC) or every (interval); overlapping runs are skipped' })
  @ApiCreatedResponse({ type: ScheduleViewDto })
  @ApiErrors(400, 413)
  create(@CurrentPrincipal() p: Principal, @Body() dto: ScheduleDto) {
    return this.schedules.create(p, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a schedule (campaigns it started stay)' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid', pattern: '^[0-9a-f-]{36}$' } })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, [404, 'No such schedule'])
  remove(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.schedules.remove(p, id);
  }
}
