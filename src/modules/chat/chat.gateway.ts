import { Logger, UseFilters } from '@nestjs/common';
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
import { type Ack, WsAckExceptionFilter, ack, ackError } from '#src/common/errors/ws-ack.js';
import { BotService } from '#src/modules/bot/bot.service.js';
import { type ChatBucket, ChatConnections, payloadBytes } from '#src/modules/chat/chat-connections.js';
import { ChatService } from '#src/modules/chat/chat.service.js';
import { ownRooms, RealtimePublisher, rooms } from '#src/modules/chat/realtime.publisher.js';
import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import type { RatingResponseDto } from '#src/modules/ratings/dto/rating.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';

interface SocketData {
  user: AuthUser;
  /** Holds one of the user's connection places (the disconnect gives it back). */
  counted?: boolean;
  /** Cancels the token-expiry timer. */
  stopExpiry?: () => void;
}

type ChatSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;

/**
 * Socket.IO on /support. Thin: authenticates the handshake and checks the connection cap and
 * each event's size and rate (ChatConnections, shared with the plain WebSocket), keeps rooms, and
 * hands each event to ChatService; answers go back as acknowledgements.
 */
@WebSocketGateway({ namespace: '/support' })
@UseFilters(WsAckExceptionFilter)
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);

  constructor(
    private readonly chat: ChatService,
    private readonly connections: ChatConnections,
    private readonly realtime: RealtimePublisher,
    private readonly bot: BotService,
  ) {}

  afterInit(namespace: Namespace): void {
    this.realtime.attach(namespace);
    namespace.use((socket, next) => {
      this.connections.open(socket.handshake.auth?.token).then(
        (user) => {
          (socket as ChatSocket).data = { user, counted: true };
          // A handshake accepted here but never connected (the client went away) gives its place back too.
          socket.conn.once('close', () => void this.release(socket as ChatSocket));
          next();
        },
        (error: unknown) => {
          if (error instanceof AppError && (error.code === ErrorCode.UNAUTHORIZED || error.code === ErrorCode.RATE_LIMITED)) return next(new Error(error.code));
          this.logger.error({ err: error }, 'Could not verify a socket handshake');
          next(new Error('unavailable'));
        },
      );
    });
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    // First, before any await: events can arrive while the rooms are being joined.
    socket.use(([event, ...args], next) => {
      const reply = args.at(-1);
      if (socket.listenerCount(String(event)) > 0 || typeof reply !== 'function') return next();
      (reply as (answer: unknown) => void)(ackError(new AppError(ErrorCode.NOT_FOUND, 'Unknown event')));
    });
    const { user } = socket.data;
    if (!user) return void socket.disconnect(true);
    await socket.join([...ownRooms(user), ...(isAgent(user) ? [rooms.agents] : [])]);
    // A logout or deactivation between the handshake's check and the join went to rooms this
    // socket was not in yet; from now on it would reach the socket, so one more check closes the gap.
    if (!(await this.connections.stillValid(socket.handshake.auth.token as string))) return void socket.disconnect(true);
    if (!socket.connected) return;
    socket.data.stopExpiry = this.connections.watchExpiry(user, () => void socket.disconnect(true));
    this.connections.inRooms(user);
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    socket.data?.stopExpiry?.();
    await this.release(socket);
  }

  private async release(socket: ChatSocket): Promise<void> {
    const { user, counted } = socket.data ?? {};
    if (!user || !counted) return;
    socket.data.counted = false;
    await this.connections.close(user);
  }

  @SubscribeMessage('ticket:create')
  createTicket(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<Ack<{ ticket_id: number; ticket: TicketResponseDto }>> {
    return this.guarded(socket, payload, 'sends', async () => {
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
    return this.guarded(socket, payload, 'joins', async () => {
      const joined = await this.chat.join(socket.data.user, payload);
      await socket.join(rooms.ticket(joined.ticket.id));
      return joined;
    });
  }

  @SubscribeMessage('message:send')
  sendMessage(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<Ack<{ message: MessageResponseDto }>> {
    return this.guarded(socket, payload, 'sends', async () => ({ message: (await this.chat.send(socket.data.user, payload)).message }));
  }

  @SubscribeMessage('ticket:rate')
  rateTicket(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<Ack<{ rating: RatingResponseDto }>> {
    return this.guarded(socket, payload, 'sends', async () => ({ rating: await this.chat.rate(socket.data.user, payload) }));
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<Ack<object>> {
    return this.guarded(socket, payload, 'typings', async () => {
      const ticketId = await this.chat.typingTicket(payload);
      const room = rooms.ticket(ticketId);
      if (!socket.rooms.has(room)) throw new AppError(ErrorCode.NOT_FOUND, 'Join the ticket first');
      socket.to(room).emit('typing' as never, { ticket_id: ticketId, user_id: socket.data.user.id } as never);
      return {};
    });
  }

  /** The customer asks the bot for a person (as writing "agent" does): ack `{ticket_id, handed_off}`. */
  @SubscribeMessage('bot:handoff')
  botHandoff(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown): Promise<Ack<{ ticket_id: number; handed_off: boolean }>> {
    return this.guarded(socket, payload, 'sends', () => this.bot.requestHandoff(socket.data.user, payload));
  }

  /** Size and rate checks, then the work, all answered as an acknowledgement. */
  private guarded<T extends object>(socket: ChatSocket, payload: unknown, bucket: ChatBucket, work: () => Promise<T>): Promise<Ack<T>> {
    return ack(async () => {
      await this.connections.checkEvent(socket.data.user, payloadBytes(payload), bucket);
      return work();
    });
  }
}
