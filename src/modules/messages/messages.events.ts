import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import type { TicketSource } from '#src/modules/tickets/ticket.entity.js';

/** The messages module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    'message.created': { message: MessageResponseDto; ticket: TicketResponseDto };
    'message.deleted': { messageId: number; ticketId: number };
  }
}

/** The messages module's in-transaction events (see InTransactionEvents). */
declare module '#src/common/events/in-transaction-hooks.js' {
  interface InTransactionEvents {
    /**
     * A customer-visible message was stored, in its transaction. `probe` is known before the message
     * is written: when no hook `wants` it, the message may take the fast path without a transaction.
     */
    'message.created': {
      probe: { fromAgent: boolean; source: TicketSource };
      /** `attachmentIds`: the files posted with the message, already on it. */
      payload: { message: MessageResponseDto; ticket: TicketResponseDto; attachmentIds: number[] };
    };
  }
}
