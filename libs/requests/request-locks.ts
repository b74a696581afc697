import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Request } from './entities/request.entity';

/**
 * Every change to a request, its steps or its tasks takes the request's row lock first: the API
 * (decisions, cancellation, task attestations) and the workflow's activities are then
 * serialised per request, so a decision can never race an escalation or a cancellation.
 */
export async function lockRequest(tx: EntityManager, requestId: string): Promise<Request | null> {
  return tx.findOne(Request, { id: requestId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

export const OPEN_REQUEST_STATUSES = ['scheduled', 'pending_approval', 'provisioning', 'deprovisioning'] as const;

export function isOpen(r: Pick<Request, 'status'>): boolean {
  return (OPEN_REQUEST_STATUSES as readonly string[]).includes(r.status);
}
