import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { JmlIdentity, JmlKind, JmlRequestId, JmlStatus } from '../../../../libs/temporal/search-attributes';
import { TemporalClientService } from '../../../../libs/temporal/temporal-client.module';
import { bringForwardUpdate, cancelLeaverUpdate, leaverWorkflowId, type LeaverState } from '../../../../workflows/leaver-definitions';
import type { leaverWorkflow } from '../../../../workflows/leaver.workflow';
import { actorOf, type Principal } from '../auth/policy';
import { taskTiming } from '../requests/timing';
import type { BringForwardDto, CancelLeaverDto, CreateLeaverDto, LeaverAcceptedDto } from './leaver.dto';

/**
 * Starts leavers and changes scheduled ones. Temporal is the lock: the workflow id
 * `leaver-<identityKey>` cannot run twice (409), and the workflow's first activity writes the
 * request row with its `request.created` event. Cancel and bring-forward are workflow updates
 * whose activities write the change and its audit event before the update answers.
 */
@Injectable()
export class LeaverService {
  constructor(
    private readonly em: EntityManager,
    @Inject(CONFIG) private readonly config: Config,
    private readonly temporal: TemporalClientService,
  ) {}

  async start(principal: Principal, dto: CreateLeaverDto): Promise<LeaverAcceptedDto> {
    const [identity] = await this.em.fork().execute<{ key: string; status: string }[]>('SELECT key, status FROM identity WHERE key = ?', [dto.identity]);
    if (!identity) throw new NotFoundException(`identity ${dto.identity} not found`);
    if (identity.status === 'terminated') throw new ConflictException(`identity ${dto.identity} is already terminated`);
    const urgent = dto.reason === 'for_cause';
    const now = new Date();
    const effectiveAt = !urgent && dto.effectiveAt ? new Date(dto.effectiveAt) : now;
    if (Number.isNaN(effectiveAt.getTime())) {
      throw new BadRequestException({ message: 'Invalid input', details: [{ path: 'effectiveAt', problems: ['not a valid time'] }] });
    }
    const id = randomUUID();
    const workflowId = leaverWorkflowId(identity.key);
    const client = await this.temporal.getClient();
    try {
      await client.workflow.start<typeof leaverWorkflow>('leaverWorkflow', {
        taskQueue: this.config.temporal.taskQueue,
        workflowId,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [
          { key: JmlKind, value: 'leaver' }, { key: JmlIdentity, value: identity.key },
          { key: JmlStatus, value: 'scheduled' }, { key: JmlRequestId, value: id },
        ],
        args: [{
          requestId: id, identityKey: identity.key, reason: dto.reason, effectiveAt: effectiveAt.toISOString(),
          justification: dto.justification ?? null, requester: actorOf(principal), timing: taskTiming(this.config, 'leaver'),
        }],
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new ConflictException(`a leaver for ${identity.key} is already running (${workflowId})`);
      throw err;
    }
    const status = effectiveAt.getTime() > now.getTime() ? 'scheduled' : 'provisioning';
    return { id, kind: 'leaver', status, workflowId, effectiveAt: effectiveAt.toISOString(), urgent };
  }

  async cancel(principal: Principal, requestId: string, dto: CancelLeaverDto): Promise<LeaverState> {
    const workflowId = await this.workflowOf(requestId);
    return this.update(workflowId, (h) => h.executeUpdate(cancelLeaverUpdate, { args: [{ by: actorOf(principal), reason: dto.reason ?? null }] }));
  }

  async bringForward(principal: Principal, requestId: string, dto: BringForwardDto): Promise<LeaverState> {
    const workflowId = await this.workflowOf(requestId);
    const to = dto.effectiveAt ? new Date(dto.effectiveAt).toISOString() : null;
    return this.update(workflowId, (h) => h.executeUpdate(bringForwardUpdate, { args: [{ by: actorOf(principal), effectiveAt: to }] }));
  }

  private async workflowOf(requestId: string): Promise<string> {
    if (!/^[0-9a-f-]{36}$/i.test(requestId)) throw new NotFoundException(`leaver request ${requestId} not found`);
    const [r] = await this.em.fork().execute<{ workflow_id: string; status: string }[]>(
      `SELECT workflow_id, status FROM request WHERE id = ? AND kind = 'leaver'`, [requestId]);
    if (!r) throw new NotFoundException(`leaver request ${requestId} not found`);
    if (r.status !== 'scheduled') throw new ConflictException(`leaver request is ${r.status}, no longer scheduled`);
    return r.workflow_id;
  }

  private async update(workflowId: string, fn: (h: ReturnType<Awaited<ReturnType<TemporalClientService['getClient']>>['workflow']['getHandle']>) => Promise<LeaverState>): Promise<LeaverState> {
    const client = await this.temporal.getClient();
    try {
      return await fn(client.workflow.getHandle(workflowId));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new ConflictException(err.cause?.message ?? 'leaver is no longer scheduled');
      if (err instanceof WorkflowNotFoundError) throw new ConflictException('leaver workflow is no longer running');
      throw err;
    }
  }
}
