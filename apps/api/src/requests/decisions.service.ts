import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, type AuditEventInput } from '../../../../libs/audit/ledger';
import { recordAuditEvents } from '../../../../libs/audit/ledger-bulk';
import { ApprovalDecision, ApprovalStep } from '../../../../libs/requests/entities/approval.entity';
import { Task } from '../../../../libs/requests/entities/task.entity';
import { enqueueSignal } from '../../../../libs/requests/outbox';
import { isOpen, lockRequest } from '../../../../libs/requests/request-locks';
import { decisionSignal, leaverRescheduledSignal, requestCancelledSignal, type DecisionSignal, type LeaverRescheduledSignal } from '../../../../workflows/definitions';
import type { BringForwardDto } from '../leavers/leaver.dto';
import { actorOf, type Principal } from '../auth/policy';
import type { CancelDto, DecisionDto } from './requests.dto';
import { OutboxRelayService } from './outbox-relay.service';

/**
 * Decisions and cancellations. Each commits its state change, its audit event and the signal to
 * the workflow (an outbox row) in one transaction under the request's row lock; the signal is
 * delivered after commit and re-driven until Temporal takes it. So an acknowledged decision is
 * never lost, even while Temporal is unreachable (docs/decisions-delivery.md).
 */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly relay: OutboxRelayService,
  ) {}

  async decide(principal: Principal, requestId: string, dto: DecisionDto) {
    const me = principal.identityKey;
    if (principal.kind !== 'person' || !me) throw new ForbiddenException('only a named person can decide on an approval');
    const result = await this.em.fork().transactional(async (tx) => {
      const r = await lockRequest(tx, requestId);
      if (!r) throw new NotFoundException(`request ${requestId} not found`);
      if (r.identityKey === me) throw new ForbiddenException('you are the subject of this request: nobody approves their own access');
      if (r.requesterType === 'identity' && r.requesterId === me) throw new ForbiddenException('you made this request: nobody approves their own request');
      if (r.status !== 'pending_approval') throw new ConflictException(`request is ${r.status}: no decision can be taken`);
      const step = await tx.findOne(ApprovalStep, { requestId, status: 'pending' });
      if (!step) throw new ConflictException('no approval step is open for decisions right now');
      if (!step.eligibleApprovers.includes(me)) {
        throw new ForbiddenException(`you are not an eligible approver of step ${step.step} (${step.label})`);
      }
      if (await tx.count(ApprovalDecision, { requestId, step: step.step, approver: me })) {
        throw new ConflictException(`you already decided on step ${step.step}`);
      }
      const decision = new ApprovalDecision(randomUUID(), requestId, step.step, { id: me, name: principal.displayName }, dto.decision);
      decision.comment = dto.comment;
      const approvals = await tx.count(ApprovalDecision, { requestId, step: step.step, decision: 'approve' });
      tx.persist(decision);
      const approvedBy = approvals + (dto.decision === 'approve' ? 1 : 0);
      if (dto.decision === 'reject') step.status = 'rejected';
      else if (approvedBy >= step.required) step.status = 'approved';
      if (step.status !== 'pending') step.closedAt = new Date();
      const signal: DecisionSignal = { decisionId: decision.id, step: step.step, approver: me, decision: dto.decision, stepStatus: step.status };
      const row = enqueueSignal(tx, r.workflowId, { signal: decisionSignal.name, args: [signal] });
      await tx.flush();
      await recordAuditEvent(tx, {
        actor: actorOf(principal),
        action: dto.decision === 'approve' ? 'approval.approved' : 'approval.rejected',
        subject: { type: 'request', id: requestId },
        requestId,
        workflowId: r.workflowId,
        details: { step: step.step, label: step.label, decision: dto.decision, comment: dto.comment, stepStatus: step.status, approvals: approvedBy, required: step.required },
        idempotencyKey: `decision:${decision.id}`,
      });
      return { outboxId: row.id, view: { id: decision.id, requestId, step: step.step, decision: dto.decision, comment: dto.comment, stepStatus: step.status, decidedAt: decision.decidedAt.toISOString() } };
    });
    this.relay.kick([result.outboxId]);
    return result.view;
  }

  /**
   * Cancels a request not yet carried out: open steps and tasks are cancelled, each audited. A
   * leaver only while scheduled (once effective the person is terminated: 409). `onlyKind`: the
   * kind-specific endpoint, 404 for a request of another kind.
   */
  async cancel(principal: Principal, requestId: string, dto: CancelDto, onlyKind?: 'leaver') {
    const result = await this.em.fork().transactional(async (tx) => {
      const r = await lockRequest(tx, requestId);
      if (!r || (onlyKind && r.kind !== onlyKind)) throw new NotFoundException(`${onlyKind ?? ''} request ${requestId} not found`.trim());
      const isRequester = r.requesterId === (principal.identityKey ?? principal.clientId ?? principal.username);
      const allowed = principal.roles.includes('admin') || isRequester || (r.kind === 'leaver' && principal.roles.includes('hr'));
      if (!allowed) throw new ForbiddenException('only the requester or an administrator can cancel this request');
      if (!isOpen(r)) throw new ConflictException(`request is ${r.status}: it can no longer be cancelled`);
      if (r.kind === 'leaver' && r.status !== 'scheduled') throw new ConflictException(`leaver request is ${r.status}, no longer scheduled`);
      const done = await tx.count(Task, { requestId, status: 'done' });
      if (done > 0) throw new ConflictException(`request is partly carried out (${done} task(s) attested): raise a new request to undo it`);
      const actor = actorOf(principal);
      r.status = 'cancelled';
      r.outcome = dto.reason ? `cancelled: ${dto.reason}` : 'cancelled';
      r.completedAt = new Date();
      for (const s of await tx.find(ApprovalStep, { requestId, status: { $in: ['waiting', 'pending'] } })) {
        s.status = 'cancelled';
        s.closedAt = new Date();
      }
      const tasks = await tx.find(Task, { requestId, status: 'open' });
      tasks.forEach((t) => (t.status = 'cancelled'));
      const row = enqueueSignal(tx, r.workflowId, { signal: requestCancelledSignal.name, args: [{ by: actor.id, reason: dto.reason ?? null }] });
      await tx.flush();
      // One statement for every row: the ledger's lock is held from it to the commit.
      await recordAuditEvents(tx, [
        ...tasks.map((t): AuditEventInput => ({
          actor, action: 'task.cancelled', subject: { type: 'task', id: t.id }, requestId, workflowId: r.workflowId,
          details: { system: t.systemKey, action: t.action, reason: r.outcome }, idempotencyKey: `task:${t.id}:cancelled`,
        })),
        {
          actor, action: 'request.cancelled', subject: { type: 'request', id: requestId }, requestId, workflowId: r.workflowId,
          details: { reason: dto.reason ?? null, cancelledTasks: tasks.map((t) => t.id) }, idempotencyKey: `request:${requestId}:cancelled`,
        },
      ]);
      return { outboxId: row.id, view: { id: r.id, kind: r.kind, status: r.status, workflowId: r.workflowId } };
    });
    this.relay.kick([result.outboxId]);
    return result.view;
  }

  /**
   * Brings a scheduled leaver forward (default: now). Committed with its `leaver.brought_forward`
   * event, then signalled to the workflow, which wakes at the new time. 409 once it fired, or when
   * the time is not earlier than the current one.
   */
  async bringLeaverForward(principal: Principal, requestId: string, dto: BringForwardDto) {
    const to = dto.effectiveAt ? new Date(dto.effectiveAt) : new Date();
    const result = await this.em.fork().transactional(async (tx) => {
      const r = await lockRequest(tx, requestId);
      if (!r || r.kind !== 'leaver') throw new NotFoundException(`leaver request ${requestId} not found`);
      if (r.status !== 'scheduled') throw new ConflictException(`leaver request is ${r.status}, no longer scheduled`);
      const from = r.effectiveAt;
      if (from && to.getTime() >= from.getTime()) throw new ConflictException('effectiveAt must be earlier than the current one');
      r.effectiveAt = to;
      const signal: LeaverRescheduledSignal = { effectiveAt: to.toISOString() };
      const row = enqueueSignal(tx, r.workflowId, { signal: leaverRescheduledSignal.name, args: [signal] });
      await tx.flush();
      await recordAuditEvent(tx, {
        actor: actorOf(principal), action: 'leaver.brought_forward', subject: { type: 'request', id: r.id }, requestId: r.id, workflowId: r.workflowId,
        details: { from: from?.toISOString() ?? null, to: to.toISOString() }, idempotencyKey: `request:${r.id}:brought-forward:${to.toISOString()}`,
      });
      return { outboxId: row.id, view: { id: r.id, kind: r.kind, status: r.status, workflowId: r.workflowId, effectiveAt: to.toISOString() } };
    });
    this.relay.kick([result.outboxId]);
    return result.view;
  }
}
