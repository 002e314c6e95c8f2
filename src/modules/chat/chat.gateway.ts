import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { type Ack, ack } from '#src/common/errors/ws-ack.js';
import { AppConfig } from '#src/config/app-config.js';
import { ChatService } from '#src/modules/chat/chat.service.js';
import { allowEvent } from '#src/modules/chat/domain/rate-limit.js';
import { PresenceService } from '#src/modules/chat/presence.service.js';
import { RealtimePublisher, rooms } from '#src/modules/chat/realtime.publisher.js';
import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';

/** Largest event payload a handler accepts (bigger ones are answered with payload_too_large). */
export const PAYLOAD_MAX_BYTES = 64 * 1024;
/** Per socket: typing signals within RATE_WINDOW_MS (messages: CHAT_RATE_LIMIT). */
export const TYPING_LIMIT = 60;
export const RATE_WINDOW_MS = 10_000;

interface SocketData {
  user: AuthUser;
  sends: number[];
  typings: number[];
  expiry?: NodeJS.Timeout;
}

type ChatSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;

/**
 * Socket.IO on /support. Thin: authenticates the handshake, keeps rooms, checks size and rate,
 * and hands each event to ChatService; answers go back as acknowledgements.
 */
@WebSocketGateway({ namespace: '/support' })
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);

  constructor(
    private readonly chat: ChatService,
    private readonly tokens: TokensService,
    private readonly presence: PresenceService,
    private readonly realtime: RealtimePublisher,
    private readonly config: AppConfig,
  ) {}

  afterInit(namespace: Namespace): void {
    this.realtime.attach(namespace);
    namespace.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      if (typeof token !== 'string' || token.length === 0) return next(new Error('unauthorized'));
      this.tokens.verify(token).then(
        (user) => {
          (socket as ChatSocket).data = { user, sends: [], typings: [] };
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    const { user } = socket.data;
    if (!user) return void socket.disconnect(true);
    await socket.join([rooms.user(user.id), rooms.token(user.jti), ...(isAgent(user) ? [rooms.agents] : [])]);
    // The token's end is the connection's end.
    socket.data.expiry = setTimeout(() => socket.disconnect(true), Math.max(0, user.expiresAt.getTime() - Date.now()));
    socket.data.expiry.unref();
    if (isAgent(user)) await this.presence.connected(user.id);
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    const { user, expiry } = socket.data ?? {};
    if (expiry) clearTimeout(expiry);
    if (user && isAgent(user)) await this.presence.disconnected(user.id);
  }

  @SubscribeMessage('ticket:create')
  createTicket(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<Ack<{ ticket_id: number; ticket: TicketResponseDto }>> {
    return this.guarded(socket, payload, 'sends', this.config.chatRateLimit, async () => {
      const ticket = await this.chat.createTicket(socket.data.user, payload);
      await socket.join(rooms.ticket(ticket.id));
      return { ticket_id: ticket.id, ticket };
    });
  }

  @SubscribeMessage('ticket:join')
  joinTicket(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: unknown,
  ): Promise<Ack<{ ticket: TicketResponseDto; messages: MessageResponseDto[]; has_more: boolean }>> {
    return this.guarded(socket, payload, null, 0, async () => {
      const joined = await this.chat.join(socket.data.user, payload);
      await socket.join(rooms.ticket(joined.ticket.id));
      return joined;
    });
  }

  @SubscribeMessage('message:send')
  sendMessage(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<Ack<{ message: MessageResponseDto }>> {
    return this.guarded(socket, payload, 'sends', this.config.chatRateLimit, async () => ({ message: await this.chat.send(socket.data.user, payload) }));
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<Ack<object>> {
    return this.guarded(socket, payload, 'typings', TYPING_LIMIT, async () => {
      const ticketId = await this.chat.typingTicket(payload);
      const room = rooms.ticket(ticketId);
      if (!socket.rooms.has(room)) throw new AppError(ErrorCode.NOT_FOUND, 'Join the ticket first');
      socket.to(room).emit('typing' as never, { ticket_id: ticketId, user_id: socket.data.user.id } as never);
      return {};
    });
  }

  /** Size and rate checks, then the work, all answered as an acknowledgement. */
  private guarded<T extends object>(
    socket: ChatSocket,
    payload: unknown,
    bucket: 'sends' | 'typings' | null,
    limit: number,
    work: () => Promise<T>,
  ): Promise<Ack<T>> {
    return ack(async () => {
      if (Buffer.byteLength(JSON.stringify(payload ?? null) ?? '') > PAYLOAD_MAX_BYTES) {
        throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `Event payloads are limited to ${PAYLOAD_MAX_BYTES / 1024} KB`);
      }
      if (bucket) {
        const { allowed, history } = allowEvent(socket.data[bucket], Date.now(), limit, RATE_WINDOW_MS);
        socket.data[bucket] = history;
        if (!allowed) throw new AppError(ErrorCode.RATE_LIMITED, `At most ${limit} of these per ${RATE_WINDOW_MS / 1000} s; slow down`);
      }
      return work();
    });
  }
}
