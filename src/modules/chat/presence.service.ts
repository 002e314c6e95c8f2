import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DEFAULT_LIMIT, decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import type { OnlineAgentDto } from '#src/modules/chat/dto/presence.dto.js';
import { PresenceRepository } from '#src/modules/chat/presence.repository.js';
import { RealtimePublisher, rooms } from '#src/modules/chat/realtime.publisher.js';

const HEARTBEAT_MS = 20_000;

/** A connection's place: `first` when the user held none on any instance (as far as this instance can tell). */
export type Admission = 'first' | 'another' | 'refused';

/**
 * Who is connected to the chat (Socket.IO and plain WebSocket): each instance keeps a row per
 * connected user with its connection count and refreshes it; rows of an instance that stopped
 * refreshing count as gone. The cap on connections per user is checked against it, over all
 * instances; automatic assignment reads it to prefer online agents. A visitor token's connections
 * count against its visitor session, not the account (anyone who knows an address can start a
 * visit): on this instance only, as nothing shared records sessions.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PresenceService.name);
  readonly instanceId = randomUUID();
  private readonly connections = new Map<number, number>();
  /** Visitor session id → its connections on this instance. */
  private readonly visitors = new Map<number, number>();
  /** Writes run one after another, so a connect and a disconnect never land out of order. */
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly presence: PresenceRepository,
    private readonly realtime: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue;
    await this.presence.forgetInstance(this.instanceId).catch(() => undefined);
  }

  /**
   * Takes a place for a new connection of the user when it holds fewer than `cap` over all
   * instances: this instance's count (exact) plus the other instances' confirmed rows (seen as of
   * their last write, so handshakes racing on two instances may pass the cap by one each). The
   * place is recorded before this resolves, so a handshake on another instance that starts
   * afterwards counts it. `refused` when the cap is reached; `first` when the user held no other
   * connection here nor a confirmed one elsewhere. A database fault is thrown (no place taken).
   */
  async admit(userId: number, cap: number): Promise<Admission> {
    const position = (this.connections.get(userId) ?? 0) + 1;
    if (position > cap) return 'refused';
    // Taken at once, so concurrent handshakes on this instance see each other.
    this.connections.set(userId, position);
    let elsewhere: number;
    try {
      elsewhere = await this.presence.countElsewhere(this.instanceId, userId);
    } catch (error) {
      this.drop(userId);
      throw error;
    }
    if (position + elsewhere > cap) {
      this.drop(userId);
      return 'refused';
    }
    await this.write(userId);
    return position === 1 && elsewhere === 0 ? 'first' : 'another';
  }

  /** A place for a visitor session's connection when it holds fewer than `cap` on this instance. */
  admitVisitor(sessionId: number, cap: number): boolean {
    const position = (this.visitors.get(sessionId) ?? 0) + 1;
    if (position > cap) return false;
    this.visitors.set(sessionId, position);
    return true;
  }

  /** Gives back a place taken by `admitVisitor`. */
  releaseVisitor(sessionId: number): void {
    const left = (this.visitors.get(sessionId) ?? 1) - 1;
    if (left > 0) this.visitors.set(sessionId, left);
    else this.visitors.delete(sessionId);
  }

  /**
   * Whether the user still holds a connection anywhere: on this instance (exact), or on another as
   * of its last confirmed write.
   */
  async connectedAnywhere(userId: number): Promise<boolean> {
    if ((this.connections.get(userId) ?? 0) > 0) return true;
    return (await this.presence.countElsewhere(this.instanceId, userId)) > 0;
  }

  /** Active agents and admins online (a chat connection on some instance), a page by id. */
  async onlineAgents(query: PaginationQueryDto): Promise<Page<OnlineAgentDto>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : 0;
    return toPage(await this.presence.onlineAgents(afterId, limit + 1), limit, (row) => row, (row) => [row.id]);
  }

  /** Gives back a place taken by `admit`. */
  release(userId: number): Promise<void> {
    this.drop(userId);
    return this.write(userId);
  }

  private drop(userId: number): void {
    const left = (this.connections.get(userId) ?? 1) - 1;
    if (left > 0) this.connections.set(userId, left);
    else this.connections.delete(userId);
  }

  private write(userId: number): Promise<void> {
    return this.enqueue(async () => {
      const count = this.connections.get(userId) ?? 0;
      if (count === 0) await this.presence.forgetAgent(this.instanceId, userId);
      else await this.presence.recordConnections(this.instanceId, userId, count);
    }, 'Could not record presence');
  }

  /**
   * Writes everything this instance holds, not only what is still there: after a stall another
   * instance may have deleted our rows as stale, and a connect or disconnect whose write failed
   * left a row wrong. Each heartbeat puts all of them right. Then removes other instances' stale rows
   * (an instance that crashed), and tells the consoles its agents who are connected nowhere else went offline.
   */
  heartbeat(): Promise<void> {
    return this.enqueue(async () => {
      await this.presence.replaceInstance(this.instanceId, this.connections);
      for (const agent of await this.presence.removeStale()) {
        this.realtime.emit(rooms.agents, 'agent:presence', { user_id: agent.id, name: agent.name, online: false });
      }
    }, 'Presence heartbeat failed');
  }

  /** Writes run one after another, each reading the counts when it runs; a failure is logged. */
  private enqueue(run: () => Promise<void>, failure: string): Promise<void> {
    const next = this.queue.then(run).catch((error: unknown) => this.logger.warn({ err: error }, failure));
    this.queue = next;
    return next;
  }
}
