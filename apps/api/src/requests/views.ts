import type { AuditEventEntity } from '../../../../libs/audit/audit-event.entity';
import type { ApprovalDecision, ApprovalStep } from '../../../../libs/requests/entities/approval.entity';
import type { Request } from '../../../../libs/requests/entities/request.entity';
import type { Task } from '../../../../libs/requests/entities/task.entity';

/** Plain DTOs of the read side (SPEC section 7); entities never leave the service. */
export function taskView(t: Task) {
  return {
    id: t.id,
    requestId: t.requestId,
    identity: t.identityKey,
    system: t.systemKey,
    action: t.action,
    entitlements: t.entitlements,
    status: t.status,
    dueAt: t.dueAt.toISOString(),
    overdue: t.status === 'open' && t.dueAt.getTime() < Date.now(),
    urgent: t.urgent,
    escalationLevel: t.escalationLevel,
    /** Set when every owner of the system is the subject: who attests instead (docs/lifecycle-rules.md). */
    fallbackAttesters: t.fallbackAttesters,
    channel: t.channel,
    externalRef: t.externalRef,
    deliveryAttempts: t.deliveryAttempts,
    deliveredAt: t.deliveredAt?.toISOString() ?? null,
    completedBy: t.completedBy,
    completedByName: t.completedByName,
    completedAt: t.completedAt?.toISOString() ?? null,
    note: t.note,
    workflowId: t.workflowId,
    createdAt: t.createdAt.toISOString(),
  };
}

export function requestSummary(r: Request) {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    identity: r.identityKey,
    requester: r.requesterId,
    roles: r.roles.map((x) => x.role),
    workflowId: r.workflowId,
    createdAt: r.createdAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
  };
}

export function requestView(r: Request, steps: ApprovalStep[], decisions: ApprovalDecision[], tasks: Task[], timeline: AuditEventEntity[]) {
  return {
    ...requestSummary(r),
    requesterName: r.requesterName,
    roleVersions: r.roles,
    removeRoles: r.removeRoles.map((x) => x.role),
    changes: r.changes,
    justification: r.justification,
    effectiveAt: r.effectiveAt?.toISOString() ?? null,
    outcome: r.outcome,
    diff: { add: r.diff.add, remove: r.diff.remove },
    sodFindings: r.sodFindings,
    approvals: steps.map((s) => ({
      step: s.step,
      label: s.label,
      approverKind: s.approverKind,
      status: s.status,
      required: s.required,
      eligibleApprovers: s.eligibleApprovers,
      escalationLevel: s.escalationLevel,
      openedAt: s.openedAt?.toISOString() ?? null,
      dueAt: s.dueAt?.toISOString() ?? null,
      closedAt: s.closedAt?.toISOString() ?? null,
      decisions: decisions
        .filter((d) => d.step === s.step)
        .map((d) => ({ approver: d.approver, approverName: d.approverName, decision: d.decision, comment: d.comment, decidedAt: d.decidedAt.toISOString() })),
    })),
    tasks: tasks.map(taskView),
    timeline: timeline.map((e) => ({
      seq: e.seq,
      occurredAt: e.occurredAt.toISOString(),
      actor: { type: e.actorType, id: e.actorId, name: e.actorName },
      action: e.action,
      subject: { type: e.subjectType, id: e.subjectId },
      details: e.details,
    })),
  };
}
