import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEvents } from '#src/common/events/domain-events.js';
import { RealtimePublisher, rooms } from '#src/modules/chat/realtime.publisher.js';
import type {} from '#src/modules/auth/auth.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/messages/messages.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/tickets/tickets.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/users/users.events.js'; // DomainEvents entries (types only)

/** Turns committed domain events into Socket.IO events for the rooms that should see them. */
@Injectable()
export class RealtimeListener {
  constructor(private readonly realtime: RealtimePublisher) {}

  @OnEvent('ticket.created')
  ticketCreated({ ticket }: DomainEvents['ticket.created']): void {
    this.realtime.emit(rooms.agents, 'ticket:created', ticket);
  }

  @OnEvent('ticket.updated')
  ticketUpdated({ ticket }: DomainEvents['ticket.updated']): void {
    this.realtime.emit(rooms.agents, 'ticket:updated', ticket);
  }

  @OnEvent('ticket.assigned')
  ticketAssigned({ ticket, agentId }: DomainEvents['ticket.assigned']): void {
    if (agentId !== null) this.realtime.emit(rooms.user(agentId), 'ticket:assigned', ticket);
    this.realtime.emit(rooms.agents, 'ticket:updated', ticket);
  }

  @OnEvent('message.created')
  messageCreated({ message }: DomainEvents['message.created']): void {
    this.realtime.emit(rooms.ticket(message.ticket_id), 'message:new', message);
  }

  @OnEvent('user.sessions_ended')
  sessionsEnded({ userId, keptJti }: DomainEvents['user.sessions_ended']): void {
    this.realtime.disconnect(rooms.user(userId), keptJti === undefined ? undefined : rooms.token(keptJti));
  }

  @OnEvent('user.token_revoked')
  tokenRevoked({ jti }: DomainEvents['user.token_revoked']): void {
    this.realtime.disconnect(rooms.token(jti));
  }
}
