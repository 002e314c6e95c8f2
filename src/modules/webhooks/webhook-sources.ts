import type { InTransactionEventName, InTransactionEvents } from '#src/common/events/in-transaction-hooks.js';
import type { WebhookEventType } from '#src/modules/webhooks/domain/webhook-events.js';
import type {} from '#src/modules/messages/messages.events.js'; // InTransactionEvents entries (types only)
import type {} from '#src/modules/ratings/ratings.events.js'; // InTransactionEvents entries (types only)
import type {} from '#src/modules/sla/sla.events.js'; // InTransactionEvents entries (types only)
import type {} from '#src/modules/tickets/tickets.events.js'; // InTransactionEvents entries (types only)

/** One webhook event: its type, the ticket it belongs to (deliveries of one ticket keep their order), its `data`. */
export interface WebhookEvent {
  type: WebhookEventType;
  ticketId: number | null;
  data: object;
}

type Payload<K extends InTransactionEventName> = InTransactionEvents[K] extends { payload: infer P } ? P : never;

export interface WebhookSource<K extends InTransactionEventName> {
  /** The webhook events this source can make (no subscriber to any: the raiser keeps its fast path). */
  types: WebhookEventType[];
  events(payload: Payload<K>): WebhookEvent[];
}

/**
 * THE place where webhook events come from. Each entry subscribes to an in-transaction event (raised
 * by its module inside the change's transaction, declared in that module's `*.events.ts`) and says
 * which webhook events it makes; their deliveries are queued in that same transaction. Adding an event
 * is one entry here.
 */
export const WEBHOOK_SOURCES: { [K in InTransactionEventName]?: WebhookSource<K> } = {
  'ticket.created': {
    types: ['ticket.created'],
    events: ({ ticket }) => [{ type: 'ticket.created', ticketId: ticket.id, data: { ticket } }],
  },
  'ticket.changed': {
    types: ['ticket.updated', 'ticket.assigned'],
    events: ({ ticket, previous, changes }) => {
      const updated = changes.filter((name) => name !== 'agent_id');
      return [
        ...(updated.length > 0 ? [{ type: 'ticket.updated' as const, ticketId: ticket.id, data: { ticket, changes: updated } }] : []),
        ...(changes.includes('agent_id')
          ? [{ type: 'ticket.assigned' as const, ticketId: ticket.id, data: { ticket, agent_id: ticket.agent_id, previous_agent_id: previous.agentId } }]
          : []),
      ];
    },
  },
  'message.created': {
    types: ['message.created'],
    events: ({ message, ticket }) => [{ type: 'message.created', ticketId: ticket.id, data: { message, ticket } }],
  },
  'sla.recorded': {
    types: ['sla.warning', 'sla.breached'],
    events: ({ alerts }) =>
      alerts.map(({ type, ...alert }) => ({ type: type === 'warning' ? 'sla.warning' : 'sla.breached', ticketId: alert.ticket_id, data: alert })),
  },
  'rating.created': {
    types: ['rating.created'],
    events: (rating) => [{ type: 'rating.created', ticketId: rating.ticket_id, data: { rating } }],
  },
};
