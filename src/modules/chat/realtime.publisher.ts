import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';

/** Everything the server sends on /support, by event name. */
export interface RealtimeEvents {
  'ticket:created': TicketResponseDto;
  'ticket:updated': TicketResponseDto;
  'ticket:assigned': TicketResponseDto;
  'message:new': MessageResponseDto;
  typing: { ticket_id: number; user_id: number };
  'sla:warning': { ticket_id: number; kind: 'frt' | 'ttr'; deadline: string; minutes_left: number };
  'sla:breached': { ticket_id: number; kind: 'frt' | 'ttr'; deadline: string; minutes_left: number };
  /** To each admin's own room, when a breach's policy says to notify the admins. */
  'sla:escalated': { ticket_id: number; kind: 'frt' | 'ttr'; deadline: string; minutes_left: number; actions: string[] };
}

export const rooms = {
  agents: 'agents',
  user: (id: number) => `user:${id}`,
  ticket: (id: number) => `ticket:${id}`,
  token: (jti: string) => `token:${jti}`,
};

/**
 * The one way to reach connected clients. Emits go through the Socket.IO adapter, so they reach
 * sockets on every instance. Nothing here knows the gateway: the gateway attaches its namespace.
 */
@Injectable()
export class RealtimePublisher {
  private namespace: Namespace | null = null;

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** To one room, or to several with each socket reached once however many of them it is in. */
  emit<K extends keyof RealtimeEvents>(room: string | string[], event: K, payload: RealtimeEvents[K]): void {
    this.namespace?.to(room).emit(event, payload);
  }

  /** Disconnects every socket in the room, except those also in `except`, on every instance. */
  disconnect(room: string, except?: string): void {
    const sockets = this.namespace?.in(room);
    (except === undefined ? sockets : sockets?.except(except))?.disconnectSockets(true);
  }
}
