import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAuditEvent, type AuditActor } from '../../../../libs/audit/ledger';
import { taskClosedSignal, type TaskClosedSignal } from '../../../../workflows/definitions';
import { sqlCatalog } from '../../../../libs/requests/catalog-adapter';
import { Task } from '../../../../libs/requests/entities/task.entity';
import { enqueueSignal } from '../../../../libs/requests/outbox';
import { lockRequest } from '../../../../libs/requests/request-locks';

export interface CompleteTaskInput {
  taskId: string;
  by: AuditActor;
  note: string;
  externalRef?: string | null;
  /**
   * A person must own the task's system (and not be its subject). An integration (the helpdesk
   * callback, already authenticated by its signature) passes false.
   */
  requireOwner: boolean;
}

/**
 * A named attestation: the task is done, by whom, when and with what note. The attestation, its
 * audit event and the signal to the task's workflow (outbox) commit in one transaction; the
 * caller kicks the outbox relay with the returned id after commit. Shared by every workflow kind.
 */
export async function completeTask(em: EntityManager, input: CompleteTaskInput): Promise<{ task: Task; outboxId: string }> {
  return em.fork().transactional(async (tx) => {
    const found = await tx.findOne(Task, { id: input.taskId });
    if (!found) throw new NotFoundException(`task ${input.taskId} not found`);
    // The request's lock serialises this with cancellation and completion of the request.
    await lockRequest(tx, found.requestId);
    await tx.refresh(found);
    const t = found;
    if (input.requireOwner) {
      if (input.by.id === t.identityKey) throw new ForbiddenException('nobody attests a task on their own access');
      const [system] = await sqlCatalog.systems(tx, [t.systemKey]);
      // Every owner is the subject: the stand-ins fixed when the task opened attest instead.
      const attesters = t.fallbackAttesters.length ? t.fallbackAttesters : (system?.owners ?? []);
      if (input.by.type !== 'identity' || !attesters.includes(input.by.id)) {
        throw new ForbiddenException(t.fallbackAttesters.length
          ? `every owner of system ${t.systemKey} is this task's subject: only ${t.fallbackAttesters.join(', ')} may attest it`
          : `only an owner of system ${t.systemKey} may attest this task`);
      }
    }
    if (t.status !== 'open') throw new ConflictException(`task ${t.id} is ${t.status}`);
    t.status = 'done';
    t.completedBy = input.by.id;
    t.completedByName = input.by.name;
    t.completedAt = new Date();
    t.note = input.note;
    if (input.externalRef) t.externalRef = input.externalRef;
    const signal: TaskClosedSignal = { taskId: t.id, status: 'done', by: input.by.id };
    const row = enqueueSignal(tx, t.workflowId, { signal: taskClosedSignal.name, args: [signal] });
    await tx.flush();
    await recordAuditEvent(tx, {
      actor: input.by,
      action: 'task.completed',
      subject: { type: 'task', id: t.id },
      requestId: t.requestId,
      campaignId: t.campaignId,
      workflowId: t.workflowId,
      details: { system: t.systemKey, action: t.action, identity: t.identityKey, entitlements: t.entitlements, note: input.note, externalRef: t.externalRef },
      idempotencyKey: `task:${t.id}:completed`,
    });
    return { task: t, outboxId: row.id };
  });
}
