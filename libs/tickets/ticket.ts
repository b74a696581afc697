/**
 * The ticket a target system's helpdesk (webhook) or shared inbox (email) receives for one
 * downstream task. Versioned: a helpdesk integration checks `schema` and ignores fields it does
 * not know, so fields are only ever added within `jml.ticket/v1`.
 */
export const TICKET_SCHEMA = 'jml.ticket/v1' as const;

/** `certification`: a revoke decided in an access certification campaign (`campaignId` names it). */
export type TicketKind = 'joiner' | 'mover' | 'leaver' | 'certification';
export type TicketAction = 'grant' | 'revoke';
export type TicketChannel = 'queue' | 'webhook' | 'email';

export interface TicketPayload {
  schema: typeof TICKET_SCHEMA;
  /** The ticket's own id; equal to the task id (one task has exactly one ticket). */
  ticketId: string;
  taskId: string;
  /** Stable for the task across every delivery attempt: the helpdesk deduplicates on it. */
  idempotencyKey: string;
  requestId: string;
  /** The certification campaign of a `certification` ticket; null otherwise. */
  campaignId: string | null;
  kind: TicketKind;
  action: TicketAction;
  /** For-cause leavers: the helpdesk should page rather than queue. */
  urgent: boolean;
  system: { key: string; name: string };
  identity: { key: string; name: string; username: string };
  entitlements: { key: string; name: string; privileged: boolean }[];
  /** ISO-8601 with offset: when the task must be attested as done. */
  dueAt: string;
  /** Where the system owner attests the task (`POST` there with a bearer token, or the UI). */
  attestUrl: string;
  createdAt: string;
}

export type TicketInput = Omit<TicketPayload, 'schema' | 'ticketId' | 'idempotencyKey' | 'attestUrl' | 'campaignId'> & {
  campaignId?: string | null;
  /** Defaults to `ticket:<taskId>`. */
  idempotencyKey?: string;
};

/** The idempotency key of a task's ticket: one task, one key, on every attempt and every channel. */
export function ticketIdempotencyKey(taskId: string): string {
  return `ticket:${taskId}`;
}

/** Builds the ticket of a task; `publicUrl` is the API's externally reachable base URL. */
export function buildTicket(input: TicketInput, publicUrl: string): TicketPayload {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    schema: TICKET_SCHEMA,
    ticketId: input.taskId,
    taskId: input.taskId,
    idempotencyKey: input.idempotencyKey ?? ticketIdempotencyKey(input.taskId),
    requestId: input.requestId,
    campaignId: input.campaignId ?? null,
    kind: input.kind,
    action: input.action,
    urgent: input.urgent,
    system: { key: input.system.key, name: input.system.name },
    identity: { key: input.identity.key, name: input.identity.name, username: input.identity.username },
    entitlements: input.entitlements.map((e) => ({ key: e.key, name: e.name, privileged: e.privileged })),
    dueAt: input.dueAt,
    attestUrl: `${base}/api/v1/tasks/${encodeURIComponent(input.taskId)}/complete`,
    createdAt: input.createdAt,
  };
}

/** One line a human reads first: in the email subject and the helpdesk's ticket title. */
export function ticketTitle(t: TicketPayload): string {
  const verb = t.action === 'revoke' ? 'Revoke' : 'Grant';
  const prefix = t.urgent ? '[URGENT] ' : '';
  return `${prefix}${verb} ${t.system.name} access for ${t.identity.name} (${t.identity.username}) - ${t.kind}, due ${t.dueAt}`;
}
