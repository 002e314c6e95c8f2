import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import type { AttachmentResponseDto } from '#src/modules/attachments/dto/attachment.dto.js';
import type { AgentPresenceEvent } from '#src/modules/chat/dto/presence.dto.js';
import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import type { RatingResponseDto } from '#src/modules/ratings/dto/rating.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';

/** Everything the server sends on /support, by event name. */
export interface RealtimeEvents {
  'ticket:created': TicketResponseDto;
  'ticket:updated': TicketResponseDto;
  'ticket:assigned': TicketResponseDto;
  'message:new': MessageResponseDto;
  typing: { ticket_id: number; user_id: number };
  /** To the ticket's room: a file uploaded on the ticket or one of its messages. */
  'attachment:new': { ticket_id: number; attachment: AttachmentResponseDto };
  /** To agents: a customer rated a resolved ticket. */
  'ticket:rated': RatingResponseDto;
  'sla:warning': { ticket_id: number; kind: 'frt' | 'ttr'; deadline: string; minutes_left: number };
  'sla:breached': { ticket_id: number; kind: 'frt' | 'ttr'; deadline: string; minutes_left: number };
  /** To agents: another agent or admin came online (first connection) or went offline (last connection). */
  'agent:presence': AgentPresenceEvent;
  /** To each admin's own room, when a breach's policy says to notify the admins. */
  'sla:escalated': { ticket_id: number; kind: 'frt' | 'ttr'; deadline: string; minutes_left: number; actions: string[] };
}

export const rooms = {
  agents: 'agents',
  user: (id: number) => `user:${id}`,
  ticket: (id: number) => `ticket:${id}`,
  token: (jti: string) => `token:${jti}`,
  /** The connections of one chat without an account (a visitor token's visit). */
  visit: (visitorSessionId: number) => `visit:${visitorSessionId}`,
};

/** The rooms every connection of `user` is in, whatever else it joins. */
export const ownRooms = (user: { id: number; jti: string; visitorSessionId?: number }): string[] => [
  rooms.user(user.id),
  rooms.token(user.jti),
  ...(user.visitorSessionId === undefined ? [] : [rooms.visit(user.visitorSessionId)]),
];

/** A connection that is not a Socket.IO socket (the plain WebSocket), reached through the same rooms. */
export interface RoomListener {
  /** An event emitted to one of its rooms, on any instance. */
  event(name: string, payload: unknown): void;
  /** A disconnect addressed to one of its rooms (logout, deactivation, role change), or the server closing. */
  disconnect(): void;
}

export interface RoomMembership {
  join(room: string): void;
  /** Leaves every room; nothing reaches the listener afterwards. */
  leave(): void;
}

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

  /**
   * To one room, or to several with each socket reached once however many of them it is in; not to
   * sockets that are also in `except`.
   */
  emit<K extends keyof RealtimeEvents>(room: string | string[], event: K, payload: RealtimeEvents[K], except?: string): void {
    const to = this.namespace?.to(room);
    (except === undefined ? to : to?.except(except))?.emit(event, payload);
  }

  /** Disconnects every socket in the room, except those also in `except`, on every instance. */
  disconnect(room: string, except?: string): void {
    const sockets = this.namespace?.in(room);
    (except === undefined ? sockets : sockets?.except(except))?.disconnectSockets(true);
  }

  /**
   * Puts a listener into rooms of the namespace, so that what is emitted to them (here or on any
   * other instance) and their disconnects reach it exactly as they reach this instance's sockets.
   *
   * Socket.IO has no public API for members that are not its own sockets. The adapter delivers a
   * room's broadcasts and disconnects to the ids in that room that `namespace.sockets` holds, calling
   * `notifyOutgoingListeners(packet)`, `client.writeToEngine()` and `disconnect()`, and the server's
   * close calls `_onclose()` (socket.io 4.8, socket.io-adapter 2.5); so the listener is entered there
   * as a stand-in with those methods (test/plain-websocket.e2e-spec.ts covers each path).
   */
  member(listener: RoomListener, initialRooms: string[]): RoomMembership {
    const namespace = this.namespace;
    if (!namespace) throw new Error('The realtime namespace is not attached yet');
    const id = `plain-ws:${randomUUID()}`;
    const standIn = {
      id,
      client: { writeToEngine: () => undefined },
      notifyOutgoingListeners: (packet: { data?: unknown[] }) => {
        const [name, payload] = packet.data ?? [];
        listener.event(String(name), payload);
      },
      disconnect: () => {
        listener.disconnect();
        return standIn;
      },
      _onclose: () => listener.disconnect(),
    };
    (namespace.sockets as Map<string, unknown>).set(id, standIn);
    void namespace.adapter.addAll(id, new Set(initialRooms));
    return {
      join: (room) => void namespace.adapter.addAll(id, new Set([room])),
      leave: () => {
        namespace.adapter.delAll(id);
        namespace.sockets.delete(id);
      },
    };
  }
}
