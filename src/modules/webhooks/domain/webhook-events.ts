import type { RetryPolicy } from '#src/modules/outbox/domain/retry-schedule.js';

/** The events an endpoint may subscribe to (issue 16); webhook-sources.ts says where each comes from. */
export const WEBHOOK_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.assigned',
  'message.created',
  'sla.warning',
  'sla.breached',
  'rating.created',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What POST /webhooks/:id/test sends; not subscribable, delivered even to an inactive endpoint. */
export const TEST_EVENT_TYPE = 'webhook.test';

/**
 * Deliveries' retries: the first within 10 s (5-10 s with jitter), then doubling with jitter up to
 * 6 hours apart, for about a day in all (15-30 h, see the spec), then the delivery has failed.
 */
export const WEBHOOK_RETRY: RetryPolicy = { maxAttempts: 16, baseDelayMs: 10_000, maxDelayMs: 6 * 3_600_000 };

/** Each attempt gives up after this long (connect, send, answer). */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** Deliveries of one ticket to one endpoint go out in order; other tickets and endpoints are not held up. */
export function orderingKey(endpointId: number, ticketId: number | null): string | undefined {
  return ticketId === null ? undefined : `webhook:${endpointId}:ticket:${ticketId}`;
}

/** The Standard Webhooks body: `{type, timestamp, data}`. */
export interface WebhookBody {
  type: string;
  timestamp: string;
  data: object;
}

/** An attempt's outcome as the delivery log keeps it, from the receiver's status (null: no answer). */
export function attemptSucceeded(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}
