import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import pg from 'pg';
import type { DomainEvents } from '#src/common/events/domain-events.js';
import { AppConfig } from '#src/config/app-config.js';
import type { SessionRow } from '#src/modules/auth/auth.repository.js';
import type {} from '#src/modules/users/users.events.js'; // DomainEvents entries (types only)

const CHANNEL = 'auth_sessions';
/** A safety net: even if a notification were lost, a cached session lives no longer than this. */
const TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;
const RECONNECT_MS = 1_000;

interface Entry {
  row: SessionRow;
  storedAt: number;
}

/**
 * Verified sessions (user row + revocation flag) by token id, so a request costs no query for
 * its token. Correct across instances: database triggers NOTIFY on `auth_sessions` whenever a
 * token is revoked or a user changes, and every instance LISTENs and drops what changed. The
 * instance making a change also drops it synchronously. While the LISTEN connection is down the
 * cache is off (every request reads the database), so a missed notification cannot leave a
 * revoked token working.
 */
@Injectable()
export class SessionCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionCache.name);
  private readonly entries = new Map<string, Entry>();
  private listener: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /**
   * Bumped by every invalidation. A reader notes it before reading the database and stores its
   * row only if nothing was invalidated meanwhile, so a read that raced a revocation never
   * caches the old state.
   */
  private generation = 0;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.disable();
    await this.listener?.end().catch(() => undefined);
  }

  get(jti: string, now = Date.now()): SessionRow | null {
    if (!this.listening) return null;
    const entry = this.entries.get(jti);
    if (!entry) return null;
    if (now - entry.storedAt > TTL_MS) {
      this.entries.delete(jti);
      return null;
    }
    return entry.row;
  }

  /** The generation to pass to `set` for a database read that starts now. */
  begin(): number {
    return this.generation;
  }

  set(jti: string, row: SessionRow, generation: number, now = Date.now()): void {
    if (!this.listening || generation !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(jti, { row, storedAt: now });
  }

  invalidateToken(jti: string): void {
    this.generation += 1;
    this.entries.delete(jti);
  }

  invalidateUser(userId: number): void {
    this.generation += 1;
    for (const [jti, entry] of this.entries) if (entry.row.id === userId) this.entries.delete(jti);
  }

  @OnEvent('user.sessions_ended')
  onSessionsEnded(event: DomainEvents['user.sessions_ended']): void {
    this.invalidateUser(event.userId);
  }

  private disable(): void {
    this.generation += 1;
    this.listening = false;
    this.entries.clear();
  }

  private async connect(): Promise<void> {
    if (this.closed || !this.config.databaseUrl) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.disable();
      if (!this.closed) {
        this.logger.warn({ err: error?.message }, 'Session notifications lost; cache off until reconnected');
        this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_MS);
        this.reconnectTimer.unref();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => this.onNotification(message.payload));
    try {
      this.listener = client;
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listening = !this.closed;
    } catch (error) {
      lost(error as Error);
      await client.end().catch(() => undefined);
    }
  }

  private onNotification(payload: string | undefined): void {
    try {
      const message = JSON.parse(payload ?? '{}') as { u?: number; j?: string };
      if (typeof message.j === 'string') this.invalidateToken(message.j);
      if (typeof message.u === 'number') this.invalidateUser(message.u);
    } catch {
      this.generation += 1;
      this.entries.clear();
    }
  }
}
