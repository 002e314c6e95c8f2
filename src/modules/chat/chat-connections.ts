import { Injectable, Logger } from '@nestjs/common';
import { type AuthUser, isAgent, limitHolder } from '#src/common/auth/auth-user.js';
import { AppError } from '#src/common/errors/app-error.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { SharedThrottlerStorage } from '#src/common/throttling/shared-throttler.storage.js';
import { AppConfig } from '#src/config/app-config.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import { nextExpiryCheck } from '#src/modules/chat/domain/token-expiry.js';
import { PresenceService } from '#src/modules/chat/presence.service.js';
import type {} from '#src/modules/users/users.events.js'; // DomainEvents entries (types only)

/** Largest event payload (or plain WebSocket frame) a handler accepts; bigger ones are answered with payload_too_large. */
const PAYLOAD_MAX_BYTES = 64 * 1024;
/** Per user, over all of its connections on all instances: typing signals per RATE_WINDOW_MS (messages: CHAT_RATE_LIMIT). */
const TYPING_LIMIT = 60;
/** Per user: ticket joins per RATE_WINDOW_MS (each one reads up to REPLAY_LIMIT messages). */
const JOIN_LIMIT = 30;
const RATE_WINDOW_MS = 10_000;

/** What an event counts against: new tickets and messages, typing signals, joins. */
export type ChatBucket = 'sends' | 'typings' | 'joins';

/** Only a refused token is `unauthorized`; anything else (a database outage) is not the client's fault. */
const isAuthFailure = (error: unknown) => error instanceof AppError && error.code === ErrorCode.UNAUTHORIZED;

/** The payload's size as JSON; one nested too deeply for JSON.stringify is refused as invalid, not a 500. */
export function payloadBytes(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload ?? null) ?? '');
  } catch {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', [
      { field: 'value', problems: ['value must not be nested this deeply'] },
    ]);
  }
}

/** Refuses an event of `bytes` over PAYLOAD_MAX_BYTES with payload_too_large. */
export function checkSize(bytes: number): void {
  if (bytes > PAYLOAD_MAX_BYTES) throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `Event payloads are limited to ${PAYLOAD_MAX_BYTES / 1024} KB`);
}

/**
 * What every chat connection goes through, whatever its transport (Socket.IO on /support, the
 * plain WebSocket on /ws/support): the token check, the cap on connections per user and the
 * per-user event limits, both over all instances, and the end of the connection with its token.
 */
@Injectable()
export class ChatConnections {
  private readonly logger = new Logger(ChatConnections.name);
  private readonly limits: Record<ChatBucket, number>;
  /** Connections (by their user object, one per connection) that are their user's first anywhere, until they are in their rooms. */
  private readonly firstConnections = new WeakSet<AuthUser>();

  constructor(
    private readonly tokens: TokensService,
    private readonly presence: PresenceService,
    private readonly storage: SharedThrottlerStorage,
    private readonly config: AppConfig,
    private readonly events: DomainEventPublisher,
  ) {
    this.limits = { sends: config.chatRateLimit, typings: TYPING_LIMIT, joins: JOIN_LIMIT };
  }

  /**
   * Verifies the token and takes one of the user's CHAT_MAX_SOCKETS_PER_USER places (counted over
   * all instances, see PresenceService.admit; a visitor token's over its visitor session instead, so
   * visits started with someone's address never use up that person's places). Throws AppError
   * UNAUTHORIZED or RATE_LIMITED, or the fault that kept it from checking (the caller answers
   * "unavailable"). Give the place back with `close`.
   */
  async open(token: unknown): Promise<AuthUser> {
    if (typeof token !== 'string' || token.length === 0) throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing token');
    // Its own object: `firstConnections` tells connections apart by it.
    const user: AuthUser = { ...(await this.tokens.verify(token)) };
    const cap = this.config.limits.chatMaxSocketsPerUser;
    const refused = () => new AppError(ErrorCode.RATE_LIMITED, `At most ${cap} connections per user`);
    if (user.visitorSessionId !== undefined) {
      if ((await this.presence.admit(user.visitorSessionId, cap, 'visitor')) === 'refused') throw refused();
      return user;
    }
    const admission = await this.presence.admit(user.id, cap);
    if (admission === 'refused') throw refused();
    if (admission === 'first') this.firstConnections.add(user);
    return user;
  }

  /**
   * A connection is in its rooms (`user:<id>` among them): an agent (or admin) connected is online,
   * so waiting tickets may go to them now (live chats the bot handed over wait for exactly this; an
   * admin is a candidate only while online), and its `ticket:assigned` reaches this connection.
   * Every connection of an agent says so: two tabs opened at once would each see the other as the
   * first. The other consoles hear `agent:presence` of an agent's first connection on an instance
   * (not of more tabs there, nor of a reconnect while another connection there holds).
   */
  inRooms(user: AuthUser): void {
    if (isAgent(user)) this.events.publish('agent.available', { userId: user.id });
    if (this.firstConnections.delete(user) && isAgent(user)) this.presence.announce(user, true);
  }

  /**
   * Gives back the place `open` took (call it once per successful `open`). An agent's last
   * connection on every instance going tells the consoles it is offline. A first connection that
   * goes before it was in its rooms (so before it said "online") while another one came meanwhile
   * says "online" now, for that other one.
   */
  async close(user: AuthUser): Promise<void> {
    const unannounced = this.firstConnections.delete(user);
    if (user.visitorSessionId !== undefined) return this.presence.release(user.visitorSessionId, 'visitor');
    await this.presence.release(user.id);
    if (!isAgent(user)) return;
    try {
      const online = await this.presence.connectedAnywhere(user.id);
      if (online && !unannounced) return;
      this.presence.announce(user, online);
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not tell the consoles an agent went offline');
    }
  }

  /** The token check again (any failure, including a database one, means no). */
  async stillValid(token: string): Promise<boolean> {
    try {
      await this.tokens.verify(token);
      return true;
    } catch (error) {
      if (!isAuthFailure(error)) this.logger.warn({ err: error }, 'Could not re-check a chat token; disconnecting');
      return false;
    }
  }

  /** Calls `end` when the token expires (at once if it has); timers longer than setTimeout's limit are re-armed. Returns the cancel. */
  watchExpiry(user: AuthUser, end: () => void): () => void {
    const expiresAt = user.expiresAt.getTime();
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const delay = nextExpiryCheck(expiresAt, Date.now());
      if (delay === null) return end();
      timer = setTimeout(arm, delay);
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  }

  /**
   * The size check, then one hit on the user's counter (a visitor token's: its visitor session's) for the bucket in the counters shared with
   * the HTTP limits (fixed windows of RATE_WINDOW_MS, all instances together). Counted in memory and
   * flushed every RATE_LIMIT_FLUSH_MS, so an event pays no round trip (see SharedThrottlerStorage).
   */
  async checkEvent(user: AuthUser, bytes: number, bucket: ChatBucket): Promise<void> {
    checkSize(bytes);
    const limit = this.limits[bucket];
    const record = await this.storage.increment(`chat-${bucket}:${limitHolder(user)}`, RATE_WINDOW_MS, limit);
    if (record.isBlocked) {
      throw new AppError(ErrorCode.RATE_LIMITED, `At most ${limit} of these per ${RATE_WINDOW_MS / 1000} s; slow down`, [
        { limit, window_seconds: RATE_WINDOW_MS / 1000, retry_after_seconds: record.timeToBlockExpire },
      ]);
    }
  }
}
