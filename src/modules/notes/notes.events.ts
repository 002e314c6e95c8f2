import type { NoteResponseDto } from '#src/modules/notes/dto/note.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';

/** The notes module's domain events (see DomainEvents). */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    'note.created': { note: NoteResponseDto; ticket: TicketResponseDto };
    'note.updated': { note: NoteResponseDto; actorId: number };
    'note.deleted': { noteId: number; ticketId: number };
  }
}
