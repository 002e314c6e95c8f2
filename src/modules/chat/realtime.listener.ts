import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEvents } from '#src/common/events/domain-events.js';
import { RealtimePublisher, rooms } from '#src/modules/chat/realtime.publisher.js';
import type {} from '#src/modules/attachments/attachments.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/auth/auth.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/messages/messages.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/ratings/ratings.events.js'; // DomainEvents entries (types only)
import type { SlaEventPayload } from '#src/modules/sla/sla.events.js'; // and DomainEvents entries
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import type {} from '#src/modules/tickets/tickets.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/users/users.events.js'; // DomainEvents entries (types only)

/** Turns committed domain events into Socket.IO events for the rooms that should see them. */
@Injectable()
export class RealtimeListener {
  private readonly logger = new Logger(RealtimeListener.name);
  /** The ticket rooms' pushes, one after another, so they keep the order of their events. */
  private roomPushes: Promise<void> = Promise.resolve();

  constructor(
    private readonly realtime: RealtimePublisher,
    private readonly tickets: TicketsService,
  ) {}

  @OnEvent('ticket.created')
  ticketCreated({ ticket }: DomainEvents['ticket.created']): void {
    this.realtime.emit(rooms.agents, 'ticket:created', ticket);
  }

  @OnEvent('ticket.updated')
  ticketUpdated({ ticket }: DomainEvents['ticket.updated']): void {
    this.ticketChanged(ticket);
  }

  @OnEvent('ticket.assigned')
  ticketAssigned({ ticket, agentId }: DomainEvents['ticket.assigned']): void {
    if (agentId !== null) this.realtime.emit(rooms.user(agentId), 'ticket:assigned', ticket);
    this.ticketChanged(ticket);
  }

  /**
   * `ticket:updated` to agents, and to the ticket's room (the customer's widget sees its ticket
   * resolved, and offers the rating) as the customer may see it: without the model's suggestions
   * and agent-only custom fields. That view needs the field definitions (cached; else one read),
   * so the room's pushes queue up in order; one that cannot be made is not sent (nor sent whole).
   */
  private ticketChanged(ticket: TicketResponseDto): void {
    this.realtime.emit(rooms.agents, 'ticket:updated', ticket);
    this.roomPushes = this.roomPushes
      .then(async () => {
        const view = await this.tickets.viewFor('customer');
        this.realtime.emit(rooms.ticket(ticket.id), 'ticket:updated', view(ticket), rooms.agents);
      })
      .catch((error: unknown) => this.logger.warn({ err: error, ticketId: ticket.id }, 'A ticket:updated to the ticket’s room was not sent'));
  }

  @OnEvent('message.created')
  messageCreated({ message }: DomainEvents['message.created']): void {
    this.realtime.emit(rooms.ticket(message.ticket_id), 'message:new', message);
  }

  @OnEvent('attachment.created')
  attachmentCreated({ ticketId, attachment }: DomainEvents['attachment.created']): void {
    this.realtime.emit(rooms.ticket(ticketId), 'attachment:new', { ticket_id: ticketId, attachment });
  }

  @OnEvent('rating.created')
  ratingCreated({ rating }: DomainEvents['rating.created']): void {
    this.realtime.emit(rooms.agents, 'ticket:rated', rating);
  }

  @OnEvent('user.sessions_ended')
  sessionsEnded({ userId, keptJti }: DomainEvents['user.sessions_ended']): void {
    this.realtime.disconnect(rooms.user(userId), keptJti === undefined ? undefined : rooms.token(keptJti));
  }

  @OnEvent('user.token_revoked')
  tokenRevoked({ jti }: DomainEvents['user.token_revoked']): void {
    this.realtime.disconnect(rooms.token(jti));
  }

  @OnEvent('sla.warning')
  slaWarning(event: DomainEvents['sla.warning']): void {
    this.realtime.emit(slaRooms(event), 'sla:warning', slaPayload(event));
  }

  @OnEvent('sla.breached')
  slaBreached(event: DomainEvents['sla.breached']): void {
    this.realtime.emit(slaRooms(event), 'sla:breached', slaPayload(event));
    if (event.notifyUserIds.length > 0) {
      this.realtime.emit(event.notifyUserIds.map(rooms.user), 'sla:escalated', { ...slaPayload(event), actions: event.escalation });
    }
  }
}

/** Agents, and the ticket's own agent in their room (each socket hears it once). */
const slaRooms = (event: SlaEventPayload) => (event.agentId === null ? [rooms.agents] : [rooms.agents, rooms.user(event.agentId)]);
const slaPayload = ({ ticket_id, kind, deadline, minutes_left }: SlaEventPayload) => ({ ticket_id, kind, deadline, minutes_left });
