import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';

/** The messages module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    'message.created': { message: MessageResponseDto; ticket: TicketResponseDto };
    'message.deleted': { messageId: number; ticketId: number };
  }
}
