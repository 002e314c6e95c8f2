import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { Clock } from '#src/common/clock.js';
import { withinMs } from '#src/common/util/within.js';
import { AppConfig } from '#src/config/app-config.js';
import { MetricsService } from '#src/modules/metrics/metrics.service.js';
import { afterFailure, type RetryPolicy } from '#src/modules/outbox/domain/retry-schedule.js';
import type { OutboxTopic, OutboxTopics } from '#src/modules/outbox/outbox.topics.js';
import { type ClaimedRow, OutboxRepository } from '#src/modules/outbox/outbox.repository.js';

/** Delivers one row's payload; a throw is a failed attempt (retried with backoff). */
export type OutboxHandler<T extends OutboxTopic> = (payload: OutboxTopics[T], row: { id: string; attempts: number }) => Promise<void>;

/** How long a claimed row is held by its instance: longer than any send may take (SMTP timeouts are shorter). */
export const LEASE_MS = 5 * 60_000;
/** Rows claimed per round; they are sent concurrently. */
const BATCH = 10;
/** Sent rows are kept this long (to look into), then pruned; dead rows stay until someone acts. */
export const KEEP_SENT_MS = 7 * 86_400_000;
const PRUNE_BATCH = 1000;
/** A shutdown waits this long for sends in flight; a send cut off is retried when its lease ends. */
const SHUTDOWN_WAIT_MS = 2_000;

export interface DrainResult {
  sent: number;
  failed: number;
  dead: number;
}

/**
 * The shared outbox (issue 13): anything sent out (mail, webhooks) is written by `enqueue`
 * in the transaction of the change that causes it, and delivered by `drain` outside any transaction.
 *
 * - Right after a transaction that enqueued commits, this instance drains (`kick`), so mail goes out
 *   within about a second; a job (OutboxCron) drains every few seconds for retries and for rows
 *   another instance left behind.
 * - Rows are claimed with FOR UPDATE SKIP LOCKED plus a lease, so no two instances send one row;
 *   each is marked sent right after its handler succeeds. A failure is retried with exponential
 *   backoff and jitter, and after OUTBOX_MAX_ATTEMPTS (or the topic's own schedule) the row is `dead`
 *   with its last error.
 * - Rows with an ordering key (a webhook endpoint and ticket; a ticket's mails to one user) go out one
 *   after the other; rows without one (password links) are claimed as they come due.
 * - A crash between the send and the mark leaves the row to be sent again when its lease ends: the
 *   outbox delivers at least once, and never twice otherwise (mail carries a fixed Message-ID, so a
 *   receiver can tell the copy).
 */
@Injectable()
export class OutboxService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OutboxService.name);
  private readonly handlers = new Map<string, OutboxHandler<never>>();
  /** Topics with a retry schedule of their own (webhooks); the others follow OUTBOX_*. */
  private readonly policies = new Map<string, RetryPolicy>();
  /** Transactions that enqueued and have not ended yet. */
  private readonly pending = new WeakSet<QueryRunner>();
  private readonly policy: RetryPolicy;
  private draining: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly deliveries: Counter<'topic' | 'outcome'>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
    config: AppConfig,
    metrics: MetricsService,
  ) {
    this.policy = { maxAttempts: config.outbox.maxAttempts, baseDelayMs: config.outbox.retryBaseSeconds * 1000, maxDelayMs: 3_600_000 };
    this.deliveries = new Counter({
      name: 'outbox_deliveries_total',
      help: 'Outbox delivery attempts, by topic and outcome (sent, failed: retried later, dead: given up)',
      labelNames: ['topic', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    // Kick a drain once a transaction that enqueued has committed (TypeORM calls every subscriber).
    this.db.subscribers.push({
      afterTransactionCommit: ({ queryRunner }) => {
        if (this.pending.delete(queryRunner)) this.kick();
      },
      afterTransactionRollback: ({ queryRunner }) => {
        this.pending.delete(queryRunner);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.draining) await withinMs(this.draining, SHUTDOWN_WAIT_MS);
  }

  /**
   * Registers the one handler of a topic (a module does it at start-up); `retry` gives the topic a
   * schedule of its own instead of OUTBOX_MAX_ATTEMPTS / OUTBOX_RETRY_BASE_SECONDS.
   */
  register<T extends OutboxTopic>(topic: T, handler: OutboxHandler<T>, options: { retry?: RetryPolicy } = {}): void {
    if (this.handlers.has(topic)) throw new Error(`Outbox topic ${topic} already has a handler`);
    this.handlers.set(topic, handler as OutboxHandler<never>);
    if (options.retry) this.policies.set(topic, options.retry);
  }

  /**
   * Queues a payload in `manager`'s transaction (it must be one): it is delivered only if that
   * transaction commits. `notBefore` delays the first attempt. Rows with the same `orderingKey` are
   * delivered one after the other in the order they were queued (a later one waits while an earlier
   * one is retried, until it is sent or dead). Returns the row's id.
   */
  async enqueue<T extends OutboxTopic>(
    manager: EntityManager,
    item: { topic: T; payload: OutboxTopics[T]; notBefore?: Date; orderingKey?: string },
  ): Promise<string> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('OutboxService.enqueue must run inside the transaction of the change it follows');
    const id = await this.outbox.insert(manager, item.topic, item.payload, item.notBefore ?? null, item.orderingKey ?? null);
    this.pending.add(runner);
    return id;
  }

  /** Drains soon, in the background; a kick during a drain makes it go round once more. */
  kick(): void {
    if (this.closed) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        try {
          while (!this.closed && moreDue(await this.drainOnce(this.clock.now())));
        } catch (error) {
          this.logger.error({ err: error }, 'Outbox drain failed; the job retries');
        }
      } while (this.again && !this.closed);
    })().finally(() => {
      this.draining = null;
    });
  }

  /** Delivers every row due at `now` (the job, and tests with a fixed `now`). */
  async drain(now: Date): Promise<DrainResult> {
    const total: DrainResult = { sent: 0, failed: 0, dead: 0 };
    for (;;) {
      const result: DrainResult = { sent: 0, failed: 0, dead: 0 };
      const round = await this.drainOnce(now, result);
      total.sent += result.sent;
      total.failed += result.failed;
      total.dead += result.dead;
      if (!moreDue(round) || this.closed) return total;
    }
  }

  /** Deletes rows sent longer than KEEP_SENT_MS before `now`, in batches; returns how many. */
  async prune(now: Date): Promise<number> {
    const before = new Date(now.getTime() - KEEP_SENT_MS);
    let total = 0;
    for (;;) {
      const deleted = await this.outbox.deleteSentBefore(before, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH || this.closed) return total;
    }
  }

  /**
   * One round: claims up to BATCH due rows, sends them concurrently, settles each. Returns how many
   * it claimed, and how many of them had an ordering key and were settled (the next row of that key
   * may be due now).
   */
  private async drainOnce(now: Date, result: DrainResult = { sent: 0, failed: 0, dead: 0 }): Promise<Round> {
    const topics = [...this.handlers.keys()];
    if (topics.length === 0) return { claimed: 0, released: 0 };
    const rows = await this.outbox.claim(topics, now, new Date(now.getTime() + LEASE_MS), BATCH);
    const settled = await Promise.all(rows.map((row) => this.deliver(row, result)));
    return { claimed: rows.length, released: rows.filter((row, i) => row.ordering_key !== null && settled[i]).length };
  }

  /** Delivers one row; true when it is settled for good (sent or dead), false when it waits for a retry. */
  private async deliver(row: ClaimedRow, result: DrainResult): Promise<boolean> {
    const handler = this.handlers.get(row.topic)!;
    try {
      await handler(row.payload as never, { id: row.id, attempts: row.attempts });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const next = afterFailure(row.attempts, this.policies.get(row.topic) ?? this.policy, this.clock.now(), Math.random());
      await this.outbox.markFailed(row.id, message, next.kind === 'retry' ? next.at : null);
      const outcome = next.kind === 'retry' ? 'failed' : 'dead';
      result[outcome] += 1;
      this.deliveries.inc({ topic: row.topic, outcome });
      const log = { outboxId: row.id, topic: row.topic, attempts: row.attempts, error: message };
      if (next.kind === 'retry') this.logger.warn({ ...log, retryAt: next.at }, 'Outbox delivery failed; will retry');
      else this.logger.error(log, 'Outbox delivery failed for the last time; the row is dead');
      return next.kind === 'dead';
    }
    await this.outbox.markSent(row.id, this.clock.now());
    result.sent += 1;
    this.deliveries.inc({ topic: row.topic, outcome: 'sent' });
    return true;
  }
}

interface Round {
  claimed: number;
  released: number;
}

/** Whether another round may find due rows: a full batch, or an ordered row settled (its key's next is free). */
function moreDue(round: Round): boolean {
  return round.claimed === BATCH || round.released > 0;
}
