import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';

/** The tickets module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    'ticket.created': { ticket: TicketResponseDto; actorId: number | null };
    /** `changes` names the fields that changed (status, priority, title, …). */
    'ticket.updated': { ticket: TicketResponseDto; changes: string[]; actorId: number | null };
    'ticket.assigned': { ticket: TicketResponseDto; agentId: number | null; previousAgentId: number | null; actorId: number | null };
  }
}
