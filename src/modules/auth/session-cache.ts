import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PgListener } from '#src/common/database/pg-listener.js';
import type { DomainEvents } from '#src/common/events/domain-events.js';
import { AppConfig } from '#src/config/app-config.js';
import type { SessionRow } from '#src/modules/auth/auth.repository.js';
import type {} from '#src/modules/users/users.events.js'; // DomainEvents entries (types only)

/** A safety net: even if a notification were lost, a cached session lives no longer than this. */
const TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;

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
  private readonly entries = new Map<string, Entry>();
  private readonly notifications: PgListener;
  /**
   * Bumped by every invalidation. A reader notes it before reading the database and stores its
   * row only if nothing was invalidated meanwhile, so a read that raced a revocation never
   * caches the old state.
   */
  private generation = 0;

  constructor(config: AppConfig) {
    this.notifications = new PgListener({
      url: config.databaseUrl,
      channel: 'auth_sessions',
      logger: new Logger(SessionCache.name),
      lostMessage: 'Session notifications lost; cache off until reconnected',
      onNotification: (payload) => this.onNotification(payload),
      onListening: (listening) => {
        if (!listening) this.disable();
      },
    });
  }

  onModuleInit(): Promise<void> {
    return this.notifications.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.notifications.stop();
  }

  get(jti: string, now = Date.now()): SessionRow | null {
    if (!this.notifications.listening) return null;
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
    if (!this.notifications.listening || generation !== this.generation) return;
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

  /** A visit's tokens are the user's: dropped here at once (other instances hear the visitor_sessions trigger). */
  @OnEvent('user.visit_ended')
  onVisitEnded(event: DomainEvents['user.visit_ended']): void {
    this.invalidateUser(event.userId);
  }

  private disable(): void {
    this.generation += 1;
    this.entries.clear();
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
