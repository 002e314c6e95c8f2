import type { CustomFieldValues } from '#src/modules/custom-fields/domain/custom-field-values.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import type { TicketStatus } from '#src/modules/tickets/domain/ticket-status.js';
import type { TicketSource } from '#src/modules/tickets/ticket.entity.js';

/** The tickets module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    'ticket.created': { ticket: TicketResponseDto; actorId: number | null };
    /**
     * `changes` names the fields that changed (status, priority, title, …); when they include
     * `custom_fields`, `previousCustomFields` are the values before (all of them, agent-only too).
     */
    'ticket.updated': { ticket: TicketResponseDto; changes: string[]; actorId: number | null; previousCustomFields?: CustomFieldValues };
    'ticket.assigned': { ticket: TicketResponseDto; agentId: number | null; previousAgentId: number | null; actorId: number | null };
  }
}

/** The tickets module's in-transaction events (see InTransactionEvents). */
declare module '#src/common/events/in-transaction-hooks.js' {
  interface InTransactionEvents {
    /**
     * A ticket was opened, in the transaction that inserts it. When no hook `wants` it (probe: the
     * ticket's source), the insert stays one statement without a transaction.
     */
    'ticket.created': { probe: { source: TicketSource }; payload: { ticket: TicketResponseDto; actorId: number | null } };
    /**
     * A ticket's fields changed (by an edit, an assignment, a message, a bulk change), in the change's
     * transaction; `previous` is how it stood before, `changes` names the fields that moved (`status`,
     * `agent_id`, `priority`, …, see domain/ticket-changes).
     */
    'ticket.changed': {
      probe: never;
      payload: { ticket: TicketResponseDto; previous: { status: TicketStatus; agentId: number | null }; changes: string[]; actorId: number | null };
    };
  }
}
