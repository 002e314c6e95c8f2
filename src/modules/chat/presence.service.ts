import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DEFAULT_LIMIT, decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import type { OnlineAgentDto } from '#src/modules/chat/dto/presence.dto.js';
import { type PresenceHolder, PresenceRepository } from '#src/modules/chat/presence.repository.js';
import { RealtimePublisher, rooms } from '#src/modules/chat/realtime.publisher.js';

const HEARTBEAT_MS = 20_000;

/** A connection's place: `first` when the user held none on this instance. */
export type Admission = 'first' | 'another' | 'refused';

/**
 * Who is connected to the chat (Socket.IO and plain WebSocket): each instance keeps a row per
 * connected user with its connection count and refreshes it; rows of an instance that stopped
 * refreshing count as gone. The cap on connections per user is checked against it, over all
 * instances; automatic assignment reads it to prefer online agents. A visitor token's connections
 * are kept the same way per visitor session, not under the account (anyone who knows an address
 * can start a visit), and capped per visitor session.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PresenceService.name);
  readonly instanceId = randomUUID();
  /** Per holder: user id (visitor session id) → its connections on this instance. */
  private readonly connections: Record<PresenceHolder, Map<number, number>> = { user: new Map(), visitor: new Map() };
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
   * Takes a place for a new connection of the user (`visitor`: of the visitor session) when it
   * holds fewer than `cap` over all instances: this instance's count (exact) plus the other
   * instances' confirmed rows. The place is recorded before the others are counted, as a
   * disconnect records its leaving before it looks elsewhere (ChatConnections.close): of a
   * reconnect to this instance and a disconnect racing on another, at least one sees the other,
   * so an agent who moves between instances is never left announced offline. Handshakes racing on
   * two instances may therefore both be refused at the cap (never both admitted over it).
   * `refused` when the cap is reached; `first` when it held no other connection here: "online" is
   * said again when the user is connected on another instance too (the consoles take a repeat as it
   * is), because two first connections racing on two instances each see the other's row and would
   * otherwise both keep quiet. A database fault is thrown (no place taken).
   */
  async admit(id: number, cap: number, holder: PresenceHolder = 'user'): Promise<Admission> {
    const held = this.connections[holder];
    const position = (held.get(id) ?? 0) + 1;
    if (position > cap) return 'refused';
    // Taken at once, so concurrent handshakes on this instance see each other.
    held.set(id, position);
    let elsewhere: number;
    try {
      await this.write(holder, id);
      elsewhere = await this.presence.countElsewhere(holder, this.instanceId, id);
    } catch (error) {
      await this.release(id, holder);
      throw error;
    }
    if (position + elsewhere > cap) {
      await this.release(id, holder);
      return 'refused';
    }
    return position === 1 ? 'first' : 'another';
  }

  /**
   * Whether the user still holds a connection anywhere: on this instance (exact), or on another as
   * of its last confirmed write.
   */
  async connectedAnywhere(userId: number): Promise<boolean> {
    if ((this.connections.user.get(userId) ?? 0) > 0) return true;
    return (await this.presence.countElsewhere('user', this.instanceId, userId)) > 0;
  }

  /** Active agents and admins online (a chat connection on some instance), a page by id. */
  async onlineAgents(query: PaginationQueryDto): Promise<Page<OnlineAgentDto>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : 0;
    return toPage(await this.presence.onlineAgents(afterId, limit + 1), limit, (row) => row, (row) => [row.id]);
  }

  /** Gives back a place taken by `admit`. */
  release(id: number, holder: PresenceHolder = 'user'): Promise<void> {
    this.drop(holder, id);
    return this.write(holder, id);
  }

  private drop(holder: PresenceHolder, id: number): void {
    const held = this.connections[holder];
    const left = (held.get(id) ?? 1) - 1;
    if (left > 0) held.set(id, left);
    else held.delete(id);
  }

  private write(holder: PresenceHolder, id: number): Promise<void> {
    return this.enqueue(async () => {
      const count = this.connections[holder].get(id) ?? 0;
      if (count === 0) await this.presence.forget(holder, this.instanceId, id);
      else await this.presence.recordConnections(holder, this.instanceId, id, count);
    }, 'Could not record presence');
  }

  /**
   * Writes everything this instance holds, not only what is still there: after a stall another
   * instance may have deleted our rows as stale, and a connect or disconnect whose write failed
   * left a row wrong. Each heartbeat puts all of them right, and announces online again the agents
   * whose rows it had to restore. Then removes other instances' stale rows
   * (an instance that crashed), and tells the consoles its agents who are connected nowhere else went offline.
   */
  heartbeat(): Promise<void> {
    return this.enqueue(async () => {
      // Agents whose rows had gone (this instance stalled and another removed them as stale, telling
      // the consoles they went offline) are back: say so.
      for (const agent of await this.presence.replaceInstance('user', this.instanceId, this.connections.user)) this.announce(agent, true);
      await this.presence.replaceInstance('visitor', this.instanceId, this.connections.visitor);
      for (const agent of await this.presence.removeStale()) this.announce(agent, false);
    }, 'Presence heartbeat failed');
  }

  /** Tells the agents' consoles that an agent (or admin) came online or went offline: `agent:presence`. */
  announce(agent: { id: number; name: string }, online: boolean): void {
    this.realtime.emit(rooms.agents, 'agent:presence', { user_id: agent.id, name: agent.name, online });
  }

  /** Writes run one after another, each reading the counts when it runs; a failure is logged. */
  private enqueue(run: () => Promise<void>, failure: string): Promise<void> {
    const next = this.queue.then(run).catch((error: unknown) => this.logger.warn({ err: error }, failure));
    this.queue = next;
    return next;
  }
}
