import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { completeTask } from './complete-task';
import { ApiErrors } from '../common/openapi/api-errors';
import { UuidParam } from '../common/openapi/params';
import { actorOf, Authenticated, CurrentPrincipal, type Principal } from '../auth/policy';
import { OutboxRelayService } from './outbox-relay.service';
import { RequestReadService } from './read.service';
import { CompleteTaskDto, TaskListQueryDto } from './requests.dto';
import { TaskDto, TaskPageDto } from './responses.dto';
import { taskView } from './views';
import { uuidParam } from '../common/validation';


@ApiTags('tasks')
@Controller('api/v1/tasks')
export class TasksController {
  constructor(
    private readonly read: RequestReadService,
    private readonly em: EntityManager,
    private readonly relay: OutboxRelayService,
  ) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Downstream tasks: those of systems I own (all of them for admins and auditors)' })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiErrors(400)
  list(@CurrentPrincipal() p: Principal, @Query() q: TaskListQueryDto) {
    return this.read.listTasks(p, q);
  }

  @Get(':id')
  @Authenticated()
  @UuidParam()
  @ApiOkResponse({ type: TaskDto })
  @ApiErrors(400, [403, 'Not an owner of the task\'s system, an administrator or an auditor'], [404, 'No such task'])
  get(@CurrentPrincipal() p: Principal, @Param('id', uuidParam) id: string) {
    return this.read.getTask(p, id);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: "Named attestation by an owner of the task's system (never the task's subject)" })
  @UuidParam()
  @ApiOkResponse({ type: TaskDto })
  @ApiErrors(400, [403, 'Not an owner (or fallback attester) of the task\'s system, or the task\'s subject'], [404, 'No such task'], [409, 'The task is done or cancelled'], 413)
  async complete(@CurrentPrincipal() p: Principal, @Param('id', uuidParam) id: string, @Body() dto: CompleteTaskDto) {
    const { task, outboxId } = await completeTask(this.em, { taskId: id, by: actorOf(p), note: dto.note, externalRef: dto.externalRef, requireOwner: true });
    this.relay.kick([outboxId]);
    return taskView(task);
  }
}
