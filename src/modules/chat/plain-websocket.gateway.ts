import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { ackFailure } from '#src/common/errors/ws-ack.js';
import { ChatConnections, checkSize } from '#src/modules/chat/chat-connections.js';
import { ChatService } from '#src/modules/chat/chat.service.js';
import { TRANSPORT_MAX_BYTES } from '#src/modules/chat/realtime-adapter.js';
import { ownRooms, RealtimePublisher, type RoomMembership, rooms } from '#src/modules/chat/realtime.publisher.js';

const PLAIN_WS_PATH = '/ws/support';

/** Close codes: 4401 and 4429 mirror HTTP 401 and 429 in the range RFC 6455 leaves to applications. */
const CLOSE = {
  unauthorized: 4401,
  rateLimited: 4429,
  /** RFC 6455 1013 "try again later": the token could not be checked (the database is down). */
  unavailable: 1013,
  goingAway: 1001,
} as const;

/**
 * Every connection is pinged this often; one that has not answered the previous ping is cut (a
 * peer gone without a close, whose place under the connection cap would otherwise stay taken).
 * Socket.IO does the same with its own ping (25 s + 20 s).
 */
const PING_INTERVAL_MS = 30_000;

/** Frames waiting for their turn on one connection before it stops reading (TCP pushes back on the client). */
const MAX_PENDING_FRAMES = 16;

/** The access token from `?token=` or from `Sec-WebSocket-Protocol: bearer, <token>`; null when neither. */
function tokenOf(req: IncomingMessage): string | null {
  let query: string | null = null;
  try {
    query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  } catch {
    // An unparsable URL carries no token.
  }
  if (query) return query;
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim());
  if (!offered.includes('bearer')) return null;
  return offered.find((value) => value !== 'bearer' && value.length > 0) ?? null;
}

const hasField = (payload: unknown, field: string) => typeof payload === 'object' && payload !== null && Object.hasOwn(payload, field);

function parseFrame(data: RawData, isBinary: boolean): unknown {
  if (isBinary) throw new AppError(ErrorCode.VALIDATION_FAILED, 'Frames must be JSON text, not binary');
  try {
    return JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
  } catch {
    throw new AppError(ErrorCode.MALFORMED_JSON, 'The frame is not valid JSON');
  }
}

/** Reads again first: a paused socket would never see the peer's answering close frame, and the close would wait for its timeout. */
function closeWith(ws: WebSocket, code: number, reason: string): void {
  if (ws.isPaused) ws.resume();
  ws.close(code, reason);
}

const frameBytes = (data: RawData) => (Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : data.byteLength);

/**
 * The described system's chat: a plain WebSocket at /ws/support on the HTTP server, beside
 * Socket.IO. The same token check, connection cap, event limits (ChatConnections) and use cases
 * (ChatService, hence the same DTOs, payload walk and idempotency) as the Socket.IO gateway; pushes
 * come through the same rooms (RealtimePublisher.member), so messages stored on any instance arrive.
 */
@Injectable()
export class PlainWebSocketGateway {
  private readonly logger = new Logger(PlainWebSocketGateway.name);
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: TRANSPORT_MAX_BYTES,
    perMessageDeflate: false,
    // The token stays out of the answer: only `bearer` is echoed back.
    handleProtocols: (protocols) => (protocols.has('bearer') ? 'bearer' : false),
  });
  private readonly open = new Set<PlainChatConnection>();
  private closing = false;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat = setInterval(() => this.ping(), PING_INTERVAL_MS).unref();

  constructor(
    private readonly chat: ChatService,
    private readonly connections: ChatConnections,
    private readonly realtime: RealtimePublisher,
  ) {}

  /**
   * Takes the upgrades for PLAIN_WS_PATH. Others are left to Socket.IO's engine, which answers its
   * own path and ends any other upgrade that nothing answered within a second.
   */
  attach(http: Server): void {
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0].replace(/\/$/, '');
      if (path !== PLAIN_WS_PATH) return;
      if (this.closing) return void socket.destroy();
      // Nothing here logs the URL or the headers: both may carry the token.
      this.server.handleUpgrade(req, socket, head, (ws) => void this.accept(ws, tokenOf(req)));
    });
  }

  /** Closes every connection (1001) and gives their places back at once, while the database is still there. */
  close(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const connection of [...this.open]) connection.end(CLOSE.goingAway, 'server shutting down');
    this.server.close();
  }

  private ping(): void {
    for (const ws of this.server.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  /** Accepted first and then checked, so that a browser sees the 4401 close code. */
  private async accept(ws: WebSocket, token: string | null): Promise<void> {
    ws.pause();
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('error', (error) => this.logger.debug({ err: error }, 'Plain WebSocket error'));
    let user: AuthUser;
    try {
      user = await this.connections.open(token);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.UNAUTHORIZED) return closeWith(ws, CLOSE.unauthorized, 'unauthorized');
      if (error instanceof AppError && error.code === ErrorCode.RATE_LIMITED) return closeWith(ws, CLOSE.rateLimited, 'rate_limited');
      this.logger.error({ err: error }, 'Could not verify a plain WebSocket token');
      return closeWith(ws, CLOSE.unavailable, 'unavailable');
    }
    const connection = new PlainChatConnection(ws, user, this.chat, this.connections, this.logger);
    // Gone while its token was checked (its 'close' has been and gone), or the server is closing.
    if (ws.readyState !== WebSocket.OPEN || this.closing) return connection.end(CLOSE.goingAway, 'server shutting down');
    this.open.add(connection);
    ws.once('close', () => {
      this.open.delete(connection);
      connection.end();
    });
    connection.start(this.realtime.member(connection, ownRooms(user)));
    // A logout or deactivation between the check and the rooms went to rooms this connection was
    // not in yet; from now on it would reach it, so one more check closes the gap (as on Socket.IO).
    if (!(await this.connections.stillValid(token as string))) return connection.end(CLOSE.unauthorized, 'session ended');
    this.connections.inRooms(user);
  }
}

/**
 * One signed-in plain WebSocket connection: its first frame creates or joins a ticket, every later
 * one is a message to it. Frames are handled one at a time, in order; each is answered (a result,
 * or `{"error": …}`) without closing.
 */
class PlainChatConnection {
  private ticketId: number | null = null;
  private membership: RoomMembership | null = null;
  private stopExpiry: (() => void) | null = null;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private ended = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly user: AuthUser,
    private readonly chat: ChatService,
    private readonly connections: ChatConnections,
    private readonly logger: Logger,
  ) {}

  start(membership: RoomMembership): void {
    this.membership = membership;
    this.stopExpiry = this.connections.watchExpiry(this.user, () => this.end(CLOSE.unauthorized, 'token expired'));
    this.ws.on('message', (data, isBinary) => this.enqueue(data, isBinary));
    if (!this.ended) this.ws.resume();
  }

  /** RoomListener: the ticket's new messages, whoever sent them. */
  event(name: string, payload: unknown): void {
    if (name === 'message:new' && (payload as { ticket_id?: unknown }).ticket_id === this.ticketId) this.send(payload);
  }

  /** RoomListener: the user's sessions or this token ended (logout, deactivation, role change). */
  disconnect(): void {
    this.end(CLOSE.unauthorized, 'session ended');
  }

  /** Leaves the rooms and gives the connection's place back (once); closes the socket when given a code. */
  end(code?: number, reason?: string): void {
    if (code !== undefined && this.ws.readyState === WebSocket.OPEN) closeWith(this.ws, code, reason ?? '');
    if (this.ended) return;
    this.ended = true;
    this.stopExpiry?.();
    this.membership?.leave();
    void this.connections.close(this.user);
  }

  private enqueue(data: RawData, isBinary: boolean): void {
    this.pending += 1;
    if (this.pending >= MAX_PENDING_FRAMES) this.ws.pause();
    this.queue = this.queue.then(async () => {
      await this.handle(data, isBinary);
      this.pending -= 1;
      if (this.pending === 0 && this.ws.isPaused && !this.ended) this.ws.resume();
    });
  }

  private async handle(data: RawData, isBinary: boolean): Promise<void> {
    if (this.ended) return;
    try {
      for (const frame of await this.answer(data, isBinary)) this.send(frame);
    } catch (thrown) {
      this.send({ error: ackFailure(thrown, 'in a plain WebSocket frame').error });
    }
  }

  /** What to send back for one frame (a created or duplicate message comes through `event` or here, once). */
  private async answer(data: RawData, isBinary: boolean): Promise<unknown[]> {
    const bytes = frameBytes(data);
    checkSize(bytes);
    const payload = parseFrame(data, isBinary);
    if (this.ticketId === null) return this.enter(payload, bytes);
    await this.connections.checkEvent(this.user, bytes, 'sends');
    const ticketId = (payload as { ticket_id?: unknown } | null)?.ticket_id;
    if (Number.isInteger(ticketId) && ticketId !== this.ticketId) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', [
        { field: 'ticket_id', problems: [`ticket_id must be the ticket this connection is on (${this.ticketId})`] },
      ]);
    }
    const { message, created } = await this.chat.send(this.user, payload);
    // A new message reaches every connection on the ticket, this one too, through the room; a
    // repeated client_msg_id broadcasts nothing, so the stored message is answered here.
    return created ? [] : [message];
  }

  /** The first frame: an agent joins a ticket; a client creates one, or joins its own with `{ticket_id}`. */
  private async enter(payload: unknown, bytes: number): Promise<unknown[]> {
    const join = isAgent(this.user) || hasField(payload, 'ticket_id');
    await this.connections.checkEvent(this.user, bytes, join ? 'joins' : 'sends');
    let replay: unknown[] = [];
    let ticketId: number;
    if (join) {
      const joined = await this.chat.join(this.user, payload);
      ticketId = joined.ticket.id;
      // With since_message_id, the messages missed since then follow the answer (a reconnect).
      if (hasField(payload, 'since_message_id')) replay = joined.messages;
    } else {
      ticketId = (await this.chat.createTicket(this.user, payload)).id;
    }
    if (this.ended) return [];
    this.ticketId = ticketId;
    this.membership?.join(rooms.ticket(ticketId));
    return [{ ticket_id: ticketId }, ...replay];
  }

  private send(frame: unknown): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(frame), (error) => {
      if (error) this.logger.debug({ err: error }, 'Could not send a plain WebSocket frame');
    });
  }
}
