import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { SYSTEM_ACTORS } from '../../../../libs/audit/ledger';
import { recordAuditEvents } from '../../../../libs/audit/ledger-bulk';
import { isUniqueViolation } from '../../../../libs/catalog/db-refs';
import { identitiesByKeyOrName, sameIdentityName } from '../../../../libs/catalog/identity-rules';
import { managerCycleProblem } from '../../../../libs/catalog/lookup.service';
import { Problems } from '../../../../libs/catalog/problems';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { Identity } from '../../../../libs/identity/identity.entity';
import { sqlCatalog } from '../../../../libs/requests/catalog-adapter';
import type { CatalogRoleVersion } from '../../../../libs/requests/catalog-port';
import { Request } from '../../../../libs/requests/entities/request.entity';
import { enqueueStart } from '../../../../libs/requests/outbox';
import { derivePlan } from '../../../../libs/requests/plan-store';
import { requestEvent } from '../../../../libs/requests/request-event';
import { OPEN_REQUEST_STATUSES } from '../../../../libs/requests/request-locks';
import type { RequestKind } from '../../../../libs/domain/request-types';
import { durationToMs } from '../../../../libs/domain/sla';
import {
  FLOW_VERSION, leaverWorkflowId, requestWorkflowId, type IntakePlan, type LeaverReason, type LeaverWorkflowInput, type RequestTiming, type RequestWorkflowInput,
} from '../../../../workflows/definitions';
import type { CreateLeaverDto, LeaverAcceptedDto } from '../leavers/leaver.dto';
import { actorOf, type Principal } from '../auth/policy';
import type { AcceptedRequestDto, JoinerRequestDto, MoverRequestDto } from './requests.dto';
import { OutboxRelayService } from './outbox-relay.service';
import { taskTiming } from './timing';

/**
 * A concurrent request that passed the checks but lost at commit: the database's unique indexes
 * (one open joiner/mover per identity, identity keys, usernames and e-mails) answer as 409.
 */
function concurrentDuplicate(err: unknown, identityKey: string): ConflictException | null {
  if (!isUniqueViolation(err)) return null;
  // MikroORM's exception carries the pg error's fields, `constraint` among them.
  const { constraint } = err as { constraint?: string };
  if (constraint === 'request_one_open_change_idx') return new ConflictException(`identity ${identityKey} already has an open joiner or mover request`);
  if (constraint === 'request_open_workflow_id_idx') return new ConflictException(`a leaver for ${identityKey} is already running (${leaverWorkflowId(identityKey)})`);
  if (constraint === 'identity_pkey') return new ConflictException(`identity ${identityKey} already exists`);
  return new ConflictException('username or email already belongs to another identity');
}

/** A leaver's workflow id is the person's (one leaver at a time); a joiner's or mover's the request's. */
const workflowIdOf = (kind: RequestKind, requestId: string, identityKey: string) =>
  kind === 'leaver' ? leaverWorkflowId(identityKey) : requestWorkflowId(kind, requestId);

/** What a kind's validation hands to the one submit path. */
interface IntakeSpec {
  roles: Request['roles'];
  removeRoles: Request['removeRoles'];
  changes: Record<string, unknown>;
  justification: string | null;
  effectiveAt: string | null;
  summary: string;
  /** The person the request is for: a joiner's or mover's plan is fixed at intake from it (ADR 181). */
  subject?: Identity;
  /** The catalog versions of `roles`, as validation read them. */
  roleVersions?: CatalogRoleVersion[];
}

/**
 * Request intake, the same for every kind: validates against the catalog, then commits the
 * request, its `request.created` event and the workflow start (an outbox row) in ONE transaction.
 * The start is delivered after commit, with the deterministic workflow id: no request without its
 * workflow, no workflow without its request, and the 202's id is readable at once.
 */
@Injectable()
export class IntakeService {
  constructor(
    private readonly em: EntityManager,
    private readonly relay: OutboxRelayService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  private timing(): RequestTiming {
    const d = this.config.durations;
    return { approvalSla: d.approvalSla, approvalReminder: d.approvalReminder, taskDue: d.taskDue, taskReminderBeforeDue: d.taskReminderBeforeDue, maxEscalations: 3 };
  }

  async joiner(principal: Principal, dto: JoinerRequestDto): Promise<AcceptedRequestDto> {
    return this.submit(principal, 'joiner', dto.identity.key, async (tx, problems) => {
      const { roles, roleVersions } = await this.resolveRoles(tx, dto.roles, 'roles', problems);
      // One read for the manager, an earlier pending record of this person, and anyone already
      // holding the username or email.
      const { key, manager: managerKey, username, email } = dto.identity;
      const people = await tx.find(Identity, identitiesByKeyOrName([key, managerKey], username, email));
      const manager = people.find((p) => p.key === managerKey);
      if (!manager || manager.status !== 'active') problems.add('identity.manager', `manager ${managerKey} is not an active identity`);
      if (managerKey === key) problems.add('identity.manager', 'a person cannot be their own manager');
      else if (manager) {
        const cycle = await managerCycleProblem(tx, key, managerKey);
        if (cycle) problems.add('identity.manager', cycle);
      }
      problems.throwIfAny();
      const existing = people.find((p) => p.key === key);
      // A terminated person named by key is rehired through this joiner (docs/lifecycle-rules.md).
      const rehire = existing?.status === 'terminated';
      if (existing && existing.status !== 'pending' && !rehire) throw new ConflictException(`identity ${existing.key} already exists and is ${existing.status}`);
      const clash = people.find((p) => p.key !== key && (sameIdentityName(p.username, username) || sameIdentityName(p.email, email)));
      if (clash) throw new ConflictException(`username or email already belongs to identity ${clash.key}`);
      if (rehire && (await tx.count(Request, { workflowId: leaverWorkflowId(key), status: { $in: [...OPEN_REQUEST_STATUSES] } }))) {
        throw new ConflictException(`identity ${key} still has an open leaver (${leaverWorkflowId(key)}): rehire once it has completed`);
      }
      const previous = rehire ? { status: existing.status, endDate: existing.endDate } : null;
      const identity = existing ?? new Identity(dto.identity.key, dto.identity.username, dto.identity.name);
      Object.assign(identity, {
        username: dto.identity.username, name: dto.identity.name, email: dto.identity.email, department: dto.identity.department,
        title: dto.identity.title, manager: dto.identity.manager, startDate: dto.identity.startDate, endDate: null, status: 'pending',
      });
      tx.persist(identity);
      return {
        roles, removeRoles: [], changes: previous ? { rehire: previous } : {}, justification: dto.justification, effectiveAt: null,
        summary: `${previous ? 'Rehire' : 'Joiner'} ${dto.identity.name} (${dto.identity.key}): ${dto.roles.join(', ')}`,
        subject: identity, roleVersions,
      };
    });
  }

  async mover(principal: Principal, dto: MoverRequestDto): Promise<AcceptedRequestDto> {
    return this.submit(principal, 'mover', dto.identity, async (tx, problems) => {
      const identity = await tx.findOne(Identity, { key: dto.identity });
      if (!identity) throw new NotFoundException(`identity ${dto.identity} not found`);
      if (identity.status !== 'active') throw new ConflictException(`identity ${identity.key} is ${identity.status}: only an active identity can move`);
      const { roles, roleVersions } = await this.resolveRoles(tx, dto.addRoles, 'addRoles', problems);
      const held = await sqlCatalog.currentRoles(tx, identity.key);
      const heldKeys = new Set(held.map((h) => h.role));
      dto.removeRoles.forEach((r, i) => !heldKeys.has(r) && problems.add(`removeRoles[${i}]`, `${identity.key} does not hold role ${r}`));
      dto.addRoles.forEach((r, i) => {
        if (heldKeys.has(r)) problems.add(`addRoles[${i}]`, `${identity.key} already holds role ${r}`);
        if (dto.removeRoles.includes(r)) problems.add(`addRoles[${i}]`, `role ${r} is both added and removed`);
      });
      const changes: Record<string, string> = {};
      for (const field of ['department', 'title', 'manager'] as const) {
        const v = dto.changes?.[field];
        if (v !== undefined && v !== identity[field]) changes[field] = v;
      }
      if (changes.manager) {
        const m = await tx.findOne(Identity, { key: changes.manager });
        if (!m || m.status !== 'active') problems.add('changes.manager', `manager ${changes.manager} is not an active identity`);
        if (changes.manager === identity.key) problems.add('changes.manager', 'a person cannot be their own manager');
        else if (m) {
          const cycle = await managerCycleProblem(tx, identity.key, changes.manager);
          if (cycle) problems.add('changes.manager', cycle);
        }
      }
      problems.throwIfAny();
      if (roles.length === 0 && dto.removeRoles.length === 0 && Object.keys(changes).length === 0) {
        throw new ConflictException(`nothing to do: ${identity.key} already has this access and these org details`);
      }
      const removeRoles = held.filter((h) => dto.removeRoles.includes(h.role)).map((h) => ({ role: h.role, version: h.version }));
      const parts = [...roles.map((r) => `+${r.role}`), ...removeRoles.map((r) => `-${r.role}`), ...Object.entries(changes).map(([k, v]) => `${k}=${v}`)];
      return {
        roles, removeRoles, changes, justification: dto.justification, effectiveAt: dto.effectiveAt ?? null,
        summary: `Mover ${identity.name} (${identity.key}): ${parts.join(', ')}`, subject: identity, roleVersions,
      };
    });
  }

  /**
   * A leaver, now or effective-dated (for_cause: always now). One open leaver per identity: the
   * workflow id `leaver-<identityKey>` is unique among open requests (409), and starts again
   * after an earlier leaver of that person closed.
   */
  async leaver(principal: Principal, dto: CreateLeaverDto): Promise<LeaverAcceptedDto> {
    const urgent = dto.reason === 'for_cause';
    const now = new Date();
    const effectiveAt = !urgent && dto.effectiveAt ? new Date(dto.effectiveAt) : now;
    const accepted = await this.submit(principal, 'leaver', dto.identity, async (tx) => {
      const identity = await tx.findOne(Identity, { key: dto.identity });
      if (!identity) throw new NotFoundException(`identity ${dto.identity} not found`);
      if (identity.status === 'terminated') throw new ConflictException(`identity ${dto.identity} is already terminated`);
      if (await tx.count(Request, { workflowId: leaverWorkflowId(identity.key), status: { $in: [...OPEN_REQUEST_STATUSES] } })) {
        throw new ConflictException(`a leaver for ${identity.key} is already running (${leaverWorkflowId(identity.key)})`);
      }
      return {
        roles: [], removeRoles: [], changes: { reason: dto.reason, urgent }, justification: dto.justification ?? null,
        effectiveAt: effectiveAt.toISOString(), summary: `Leaver ${identity.name} (${identity.key}): ${dto.reason}, effective ${effectiveAt.toISOString()}`,
      };
    });
    // Effective now: the workflow is about to deprovision (the row says `scheduled` until it does).
    const status = effectiveAt.getTime() > now.getTime() ? 'scheduled' : 'deprovisioning';
    return { ...accepted, status, effectiveAt: effectiveAt.toISOString(), urgent };
  }

  private async resolveRoles(tx: EntityManager, keys: string[], path: string, problems: Problems) {
    const found = await sqlCatalog.roleVersions(tx, keys.map((role) => ({ role })));
    keys.forEach((k, i) => !found.some((f) => f.key === k) && problems.add(`${path}[${i}]`, `unknown role ${k}`));
    return { roles: found.map((f) => ({ role: f.key, version: f.version })), roleVersions: found };
  }

  private workflowStart(kind: RequestKind, id: string, identityKey: string, spec: IntakeSpec, plan?: IntakePlan) {
    if (kind === 'leaver') {
      const { reason } = spec.changes as { reason: LeaverReason };
      const input: LeaverWorkflowInput = { requestId: id, identityKey, reason, effectiveAt: spec.effectiveAt!, timing: taskTiming(this.config, kind), flowVersion: FLOW_VERSION };
      // A leaver's id is the person's: it must start again after an earlier leaver of them closed.
      return { workflowId: workflowIdOf(kind, id, identityKey), workflowType: 'leaverWorkflow', input, status: 'scheduled' as const, reuse: 'ALLOW_DUPLICATE' as const };
    }
    const input: RequestWorkflowInput = { requestId: id, kind, identityKey, timing: this.timing(), taskTiming: taskTiming(this.config, kind), flowVersion: FLOW_VERSION, plan };
    return { workflowId: workflowIdOf(kind, id, identityKey), workflowType: `${kind}Workflow`, input, status: 'pending_approval' as const, reuse: 'REJECT_DUPLICATE' as const };
  }

  private async submit(
    principal: Principal,
    kind: RequestKind,
    identityKey: string,
    build: (tx: EntityManager, problems: Problems) => Promise<IntakeSpec>,
  ): Promise<AcceptedRequestDto> {
    const id = randomUUID();
    const actor = actorOf(principal);
    let start: ReturnType<IntakeService['workflowStart']> | undefined;
    const outboxId = await this.em.fork().transactional(async (tx) => {
      const spec = await build(tx, new Problems());
      const workflowId = workflowIdOf(kind, id, identityKey);
      const r = new Request(id, kind, identityKey, actor, workflowId);
      Object.assign(r, {
        roles: spec.roles, removeRoles: spec.removeRoles, changes: spec.changes, justification: spec.justification,
        effectiveAt: spec.effectiveAt ? new Date(spec.effectiveAt) : null,
      });
      // A joiner or mover is planned here, in the request's own transaction (ADR 181): it waits for
      // its first approvers when the 202 answers, and its workflow starts with the plan.
      const firstStepDueAt = new Date(Date.now() + durationToMs(this.config.durations.approvalSla)).toISOString();
      const derived = kind === 'leaver' ? undefined : await derivePlan(tx, SYSTEM_ACTORS.api, r, spec.subject!, sqlCatalog, this.config.durations.taskDue, firstStepDueAt, { addRoles: spec.roleVersions });
      const plan: IntakePlan | undefined = derived && {
        outcome: derived.outcome === 'blocked' ? 'blocked' : 'ok', steps: derived.steps, tasks: derived.tasks, firstStepOpen: derived.firstStepOpen, firstStepDueAt,
      };
      start = this.workflowStart(kind, id, identityKey, spec, plan);
      r.status = start.status;
      // One open joiner or mover per identity: the partial unique index request_one_open_change_idx
      // refuses the insert at flush and concurrentDuplicate answers the 409 (ADR 124: no count first).
      // The request goes first: its approval steps refer to it.
      tx.persist(r);
      await tx.flush();
      derived?.stepRows.forEach((e) => tx.persist(e));
      const row = enqueueStart(tx, workflowId, {
        workflowType: start.workflowType,
        taskQueue: this.config.temporal.taskQueue,
        args: [start.input],
        searchAttributes: { JmlKind: kind, JmlIdentity: identityKey, JmlStatus: start.status, JmlRequestId: id },
        staticSummary: spec.summary.slice(0, 200),
        staticDetails: `Requested by ${actor.name} (${actor.id}). Justification: ${spec.justification ?? '-'}\n\nRequest: /api/v1/requests/${id}`,
        workflowIdReusePolicy: start.reuse,
      });
      await tx.flush();
      // The ledger rows last, in one statement: its append lock is held from it to the commit.
      await recordAuditEvents(tx, [
        requestEvent(actor, r, 'request.created', 'created', {
          kind, identity: identityKey, roles: spec.roles, removeRoles: spec.removeRoles, changes: spec.changes, justification: spec.justification, effectiveAt: spec.effectiveAt,
        }),
        ...(derived?.ledger ?? []),
      ]);
      return row.id;
    }).catch((err: unknown) => {
      throw concurrentDuplicate(err, identityKey) ?? err;
    });
    this.relay.kick([outboxId]);
    return { id, kind, status: start!.status, workflowId: start!.workflowId };
  }
}
