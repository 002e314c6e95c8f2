import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { CounterHit, CounterStore } from '#src/common/throttling/counter-stores.js';

/** The shape of @nestjs/throttler's ThrottlerStorageRecord (times in seconds). */
export interface RateLimitRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

interface Window {
  /** Hits of all instances, as the shared store last answered. */
  shared: number;
  /** Hits of this instance not yet added to the store. */
  pending: number;
  expiresAt: number;
}

const PURGE_EVERY_MS = 60_000;

/**
 * Fixed-window counters shared by all instances through a CounterStore (PostgreSQL or Redis).
 *
 * With flushMs > 0 (the default) a hit is counted in memory and decided at once: this instance's
 * hits plus what the store said about all instances at the last flush; every flushMs one statement
 * adds the batch to the store and reads the totals back. The request path gets no round trip; the
 * price is that other instances' hits are seen up to flushMs late. With flushMs = 0 every hit is
 * one upsert, and the limit is exact across instances.
 *
 * Blocked hits are counted too, so a caller that keeps going stays blocked until the window ends.
 * If the store fails, hits are counted in memory only (limits then hold per instance) and logged.
 */
export class SharedThrottlerStorage implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SharedThrottlerStorage.name);
  private readonly windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private lastPurge = Date.now();

  constructor(
    private readonly store: CounterStore,
    private readonly flushMs: number,
  ) {}

  async increment(key: string, ttl: number, limit: number): Promise<RateLimitRecord> {
    const counted = this.incrementBatched(key, ttl, limit);
    if (counted) return counted;
    const now = Date.now();
    const window = this.windowOf(key, ttl, now);
    await this.addNow(key, ttl, window);
    return record(window, limit, now);
  }

  /**
   * `increment` without a promise when hits are batched (flushMs > 0): the hit is counted in memory
   * and decided at once, so a caller on the request path need not wait a tick. Null (nothing counted)
   * when every hit goes to the store (flushMs = 0): call `increment`.
   */
  incrementBatched(key: string, ttl: number, limit: number): RateLimitRecord | null {
    if (this.flushMs === 0) return null;
    const now = Date.now();
    const window = this.windowOf(key, ttl, now);
    window.pending += 1;
    this.schedule();
    return record(window, limit, now);
  }

  /** The key's current window; a new one when it has none or its window is over. */
  private windowOf(key: string, ttl: number, now: number): Window {
    let window = this.windows.get(key);
    if (!window || window.expiresAt <= now) {
      window = { shared: 0, pending: 0, expiresAt: now + ttl };
      this.windows.set(key, window);
    }
    return window;
  }

  /** Adds what is still pending, before the database goes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    await this.store.close();
  }

  private async addNow(key: string, ttl: number, window: Window): Promise<void> {
    try {
      const [state] = await this.store.add([{ key, hits: 1, ttlMs: ttl }]);
      window.shared = state.hits;
      window.expiresAt = Date.now() + state.msLeft;
      this.windows.delete(key);
      this.purgeNowAndThen();
    } catch (error) {
      window.pending += 1;
      this.logger.warn({ err: error }, 'Could not reach the shared rate-limit counters; counting on this instance');
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    if (this.flushing) {
      await this.flushing;
      if (this.windows.size > 0) this.schedule();
      return;
    }
    const now = Date.now();
    const batch: (CounterHit & { window: Window })[] = [];
    for (const [key, window] of this.windows) {
      // A window that is over is forgotten, with any hits it had not yet sent.
      if (window.expiresAt <= now) this.windows.delete(key);
      else if (window.pending > 0) batch.push({ key, hits: window.pending, ttlMs: window.expiresAt - now, window });
    }
    if (batch.length === 0) return;
    this.flushing = this.send(batch).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async send(batch: (CounterHit & { window: Window })[]): Promise<void> {
    try {
      const states = new Map((await this.store.add(batch)).map((state) => [state.key, state]));
      const at = Date.now();
      for (const item of batch) {
        const state = states.get(item.key);
        item.window.pending -= item.hits;
        if (!state) continue;
        item.window.shared = state.hits;
        item.window.expiresAt = at + state.msLeft;
      }
      this.purgeNowAndThen();
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not add hits to the shared rate-limit counters; will retry');
      this.schedule();
    }
  }

  private purgeNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    this.store.purge().catch((error: unknown) => this.logger.warn({ err: error }, 'Could not purge expired rate-limit counters'));
  }
}

function record(window: Window, limit: number, now: number): RateLimitRecord {
  const totalHits = window.shared + window.pending;
  const secondsLeft = Math.max(1, Math.ceil((window.expiresAt - now) / 1000));
  const isBlocked = totalHits > limit;
  return { totalHits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
}
