import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import type { NoteResponseDto } from '#src/modules/notes/dto/note.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';

/**
 * The in-process domain events, published through @nestjs/event-emitter after the change is
 * committed. Listeners (realtime delivery, webhooks, SLA) subscribe by name; publishers never
 * know who listens. Payloads carry response shapes, ready to deliver.
 */
export interface DomainEvents {
  /** Every token of the user stopped working (deactivation, role change, new password). */
  'user.sessions_ended': { userId: number };
  /** One token was revoked by logout. */
  'user.token_revoked': { userId: number; jti: string };
  /** An active agent appeared (created, re-activated or made an agent): waiting tickets may go to them. */
  'agent.available': { userId: number };
  'ticket.created': { ticket: TicketResponseDto; actorId: number | null };
  /** `changes` names the fields that changed (status, priority, title, …). */
  'ticket.updated': { ticket: TicketResponseDto; changes: string[]; actorId: number | null };
  'ticket.assigned': { ticket: TicketResponseDto; agentId: number | null; previousAgentId: number | null; actorId: number | null };
  'message.created': { message: MessageResponseDto; ticket: TicketResponseDto };
  'message.deleted': { messageId: number; ticketId: number };
  'note.created': { note: NoteResponseDto; ticket: TicketResponseDto };
  'note.deleted': { noteId: number; ticketId: number };
}

export type DomainEventName = keyof DomainEvents;
