import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import type { TicketStatus } from '#src/modules/tickets/domain/ticket-status.js';

/** The tickets module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    'ticket.created': { ticket: TicketResponseDto; actorId: number | null };
    /** `changes` names the fields that changed (status, priority, title, …). */
    'ticket.updated': { ticket: TicketResponseDto; changes: string[]; actorId: number | null };
    'ticket.assigned': { ticket: TicketResponseDto; agentId: number | null; previousAgentId: number | null; actorId: number | null };
  }
}

/** The tickets module's in-transaction events (see InTransactionEvents). */
declare module '#src/common/events/in-transaction-hooks.js' {
  interface InTransactionEvents {
    /** A ticket's status or agent changed, in the change's transaction; `previous` is how it stood before. */
    'ticket.changed': {
      probe: never;
      payload: { ticket: TicketResponseDto; previous: { status: TicketStatus; agentId: number | null }; actorId: number | null };
    };
  }
}
