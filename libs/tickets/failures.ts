import { ApplicationFailure } from '@temporalio/common';

/**
 * Delivery functions make one attempt and classify what went wrong; the retry policy (with
 * backoff) belongs to the caller, normally Temporal's activity retry. A retryable failure is a
 * helpdesk or mail server that may recover (timeout, connection refused, 5xx, 408, 409, 429);
 * a non-retryable one will fail the same way again (other 4xx, a permanent SMTP rejection, a
 * channel without its configuration).
 */
export const TICKET_FAILURE_TYPES = {
  retryable: 'TicketDeliveryRetryable',
  rejected: 'TicketDeliveryRejected',
  misconfigured: 'TicketChannelMisconfigured',
} as const;

export function retryableDeliveryFailure(message: string, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ message, type: TICKET_FAILURE_TYPES.retryable, nonRetryable: false, details: [details] });
}

export function rejectedDelivery(message: string, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ message, type: TICKET_FAILURE_TYPES.rejected, nonRetryable: true, details: [details] });
}

export function misconfiguredChannel(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: TICKET_FAILURE_TYPES.misconfigured, nonRetryable: true });
}

/** True when a thrown delivery error should not be retried. */
export function isPermanentDeliveryFailure(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.nonRetryable === true;
}
