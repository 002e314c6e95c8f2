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
import { AppConfig } from '#src/config/app-config.js';
import { ChatService } from '#src/modules/chat/chat.service.js';
import { allowEvent } from '#src/modules/chat/domain/rate-limit.js';
import { nextExpiryCheck } from '#src/modules/chat/domain/token-expiry.js';
import { PresenceService } from '#src/modules/chat/presence.service.js';
import { RealtimePublisher, rooms } from '#src/modules/chat/realtime.publisher.js';
import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';

/** Largest event payload a handler accepts (bigger ones are answered with payload_too_large). */
export const PAYLOAD_MAX_BYTES = 64 * 1024;
/** Per user (over all of its sockets on this instance): typing signals within RATE_WINDOW_MS (messages: CHAT_RATE_LIMIT). */
export const TYPING_LIMIT = 60;
/** Per user: ticket joins within RATE_WINDOW_MS (each one reads up to REPLAY_LIMIT messages). */
export const JOIN_LIMIT = 30;
export const RATE_WINDOW_MS = 10_000;

interface SocketData {
  user: AuthUser;
  /** Counted in socketsPerUser (the disconnect gives the place back). */
  counted?: boolean;
  expiry?: NodeJS.Timeout;
  /** Counted in PresenceService, so the disconnect is counted too. */
  present?: boolean;
}

type Bucket = 'sends' | 'typings' | 'joins';

/** The payload's size as JSON; one nested too deeply for JSON.stringify is refused as invalid, not a 500. */
function payloadBytes(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload ?? null) ?? '');
  } catch {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', [
      { field: 'value', problems: ['value must not be nested this deeply'] },
    ]);
  }
}

/** Event timestamps of one user on this instance, per bucket (a sliding window, see allowEvent). */
type UserHistory = Record<Bucket, number[]>;

/** Only a refused token is `unauthorized`; anything else (a database outage) is not the client's fault. */
const isAuthFailure = (error: unknown) => error instanceof AppError && error.code === ErrorCode.UNAUTHORIZED;

type ChatSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;

/**
 * Socket.IO on /support. Thin: authenticates the handshake, keeps rooms, checks size and rate,
 * and hands each event to ChatService; answers go back as acknowledgements.
 */
@WebSocketGateway({ namespace: '/support' })
@UseFilters(WsAckExceptionFilter)
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);
  /**
   * Per user, in memory on this instance: the rate limits hold over all of a user's sockets here,
   * and the socket cap counts this instance's sockets. Idle entries are dropped on the next sweep.
   */
  private readonly histories = new Map<number, UserHistory>();
  private readonly socketsPerUser = new Map<number, number>();
  private readonly sweeper = setInterval(() => this.sweepHistories(), RATE_WINDOW_MS).unref();

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
          const open = this.socketsPerUser.get(user.id) ?? 0;
          if (open >= this.config.limits.chatMaxSocketsPerUser) return next(new Error('rate_limited'));
          this.socketsPerUser.set(user.id, open + 1);
          (socket as ChatSocket).data = { user, counted: true };
          // A handshake accepted here but never connected (the client went away) gives its place back too.
          socket.conn.once('close', () => this.release(socket as ChatSocket));
          next();
        },
        (error: unknown) => {
          if (isAuthFailure(error)) return next(new Error('unauthorized'));
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
    await socket.join([rooms.user(user.id), rooms.token(user.jti), ...(isAgent(user) ? [rooms.agents] : [])]);
    // A logout or deactivation between the handshake's check and the join went to rooms this
    // socket was not in yet; from now on it would reach the socket, so one more check closes the gap.
    if (!(await this.stillValid(socket))) return void socket.disconnect(true);
    if (!socket.connected) return;
    this.armExpiry(socket, user.expiresAt.getTime());
    if (isAgent(user)) {
      socket.data.present = true;
      await this.presence.connected(user.id);
    }
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    const { user, expiry, present } = socket.data ?? {};
    if (expiry) clearTimeout(expiry);
    this.release(socket);
    if (user && present) await this.presence.disconnected(user.id);
  }

  private release(socket: ChatSocket): void {
    const { user, counted } = socket.data ?? {};
    if (!user || !counted) return;
    socket.data.counted = false;
    const open = (this.socketsPerUser.get(user.id) ?? 1) - 1;
    if (open > 0) this.socketsPerUser.set(user.id, open);
    else this.socketsPerUser.delete(user.id);
  }

  private sweepHistories(): void {
    const since = Date.now() - RATE_WINDOW_MS;
    for (const [userId, history] of this.histories) {
      if (Object.values(history).every((times) => times.every((at) => at <= since))) this.histories.delete(userId);
    }
  }

  /** The token's end is the connection's end; timers longer than setTimeout's limit are re-armed. */
  private armExpiry(socket: ChatSocket, expiresAt: number): void {
    const delay = nextExpiryCheck(expiresAt, Date.now());
    if (delay === null) return void socket.disconnect(true);
    socket.data.expiry = setTimeout(() => this.armExpiry(socket, expiresAt), delay);
    socket.data.expiry.unref();
  }

  /** The handshake's token check again (any failure, including a database one, ends the socket). */
  private async stillValid(socket: ChatSocket): Promise<boolean> {
    try {
      await this.tokens.verify(socket.handshake.auth.token as string);
      return true;
    } catch (error) {
      if (!isAuthFailure(error)) this.logger.warn({ err: error }, 'Could not re-check a socket token; disconnecting');
      return false;
    }
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
    return this.guarded(socket, payload, 'joins', JOIN_LIMIT, async () => {
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
    bucket: Bucket,
    limit: number,
    work: () => Promise<T>,
  ): Promise<Ack<T>> {
    return ack(async () => {
      if (payloadBytes(payload) > PAYLOAD_MAX_BYTES) {
        throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `Event payloads are limited to ${PAYLOAD_MAX_BYTES / 1024} KB`);
      }
      const userId = socket.data.user.id;
      let histories = this.histories.get(userId);
      if (!histories) this.histories.set(userId, (histories = { sends: [], typings: [], joins: [] }));
      const { allowed, history } = allowEvent(histories[bucket], Date.now(), limit, RATE_WINDOW_MS);
      histories[bucket] = history;
      if (!allowed) throw new AppError(ErrorCode.RATE_LIMITED, `At most ${limit} of these per ${RATE_WINDOW_MS / 1000} s; slow down`);
      return work();
    });
  }
}
