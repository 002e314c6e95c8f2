import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import type { EntityManager } from 'typeorm';
import { Clock } from '#src/common/clock.js';
import { PgListener } from '#src/common/database/pg-listener.js';
import { type InTransactionEventName, InTransactionHooks } from '#src/common/events/in-transaction-hooks.js';
import { AppConfig } from '#src/config/app-config.js';
import { OutboxService } from '#src/modules/outbox/outbox.service.js';
import {
  attemptSucceeded,
  orderingKey,
  TEST_EVENT_TYPE,
  WEBHOOK_RETRY,
  WEBHOOK_TIMEOUT_MS,
  type WebhookBody,
} from '#src/modules/webhooks/domain/webhook-events.js';
import { WEBHOOK_SOURCES, type WebhookEvent, type WebhookSource } from '#src/modules/webhooks/webhook-sources.js';
import { postOnce } from '#src/modules/webhooks/webhook.client.js';
import { type DeliveryToSend, type NewDelivery, WebhooksRepository } from '#src/modules/webhooks/webhooks.repository.js';

/** The outbox row of one delivery: the delivery row holds the rest. */
export interface WebhookOutboxPayload {
  delivery_id: string;
}

declare module '#src/modules/outbox/outbox.topics.js' {
  interface OutboxTopics {
    webhook: WebhookOutboxPayload;
  }
}

/** A new delivery: the event as one endpoint gets it. */
type QueuedDelivery = NewDelivery & { orderingKey?: string };

/**
 * Webhook deliveries (issue 16): queued in the transaction of the change (in-transaction hooks, see
 * webhook-sources.ts, into `webhook_deliveries` plus an outbox row each), sent by the outbox.
 *
 * - Each attempt POSTs the Standard Webhooks body signed with the endpoint's secret (the
 *   `standardwebhooks` package), with the delivery's fixed `webhook-id` and the attempt's
 *   `webhook-timestamp`; only a 2xx within WEBHOOK_TIMEOUT_MS counts (redirects are not followed).
 * - Retries follow WEBHOOK_RETRY (within 10 s, then about a day); then the delivery has failed, and
 *   after WEBHOOK_DISABLE_AFTER_FAILURES failed deliveries in a row the endpoint is made inactive.
 * - One endpoint's deliveries of one ticket go out in order (the outbox's ordering key): a later one
 *   waits until the earlier is delivered or has failed; other tickets and endpoints do not wait.
 * - Without WEBHOOK_ALLOW_PRIVATE, no attempt reaches a loopback, private or link-local address,
 *   checked on the addresses the connection uses (webhook.client.ts).
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  /**
   * The event types some active endpoint subscribes to: raisers skip the work for the others (a
   * message keeps its fast path). Refreshed when `webhook_endpoints` NOTIFYs (a change on any
   * instance) and when listening starts again. While the notifications are not
   * listened to (connection lost), every event counts as subscribed: the endpoints are read in
   * the transaction instead, so none is missed.
   */
  private subscribed = new Set<string>();
  private readonly notifications: PgListener;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly outbox: OutboxService,
    private readonly hooks: InTransactionHooks,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.notifications = new PgListener({
      url: config.databaseUrl,
      channel: 'webhook_endpoints',
      logger: this.logger,
      lostMessage: 'Webhook endpoint notifications lost; endpoints read per event until reconnected',
      onNotification: () => void this.refreshQuietly(),
      onListening: (listening) => void (listening && this.refreshQuietly()),
    });
  }

  async onModuleInit(): Promise<void> {
    this.outbox.register('webhook', (payload, row) => this.send(payload, row.attempts), { retry: WEBHOOK_RETRY });
    for (const [name, source] of Object.entries(WEBHOOK_SOURCES) as [InTransactionEventName, WebhookSource<InTransactionEventName>][]) {
      this.hooks.on(name, {
        wants: () => source.types.some((type) => this.isSubscribed(type)),
        run: (manager, payload) => this.queueEvents(manager, source.events(payload as never)),
      });
    }
    await this.refreshSubscriptions();
    await this.notifications.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.notifications.stop();
  }

  /** Whether some active endpoint may want events of this type (all do while notifications are not listened to). */
  isSubscribed(type: string): boolean {
    return !this.notifications.listening || this.subscribed.has(type);
  }

  private async refreshQuietly(): Promise<void> {
    try {
      await this.refreshSubscriptions();
    } catch (error) {
      this.logger.error({ err: error }, 'Reading webhook subscriptions failed; the next run retries');
    }
  }

  async refreshSubscriptions(): Promise<void> {
    this.subscribed = new Set(await this.repository.subscribedTypes());
  }

  /** Queues a delivery of each event to each active endpoint subscribed to it, in `manager`'s transaction. */
  async queueEvents(manager: EntityManager, events: WebhookEvent[]): Promise<void> {
    const types = [...new Set(events.map((event) => event.type))].filter((type) => this.isSubscribed(type));
    if (types.length === 0) return;
    const endpoints = await this.repository.subscribers(manager, types);
    const timestamp = this.clock.now().toISOString();
    const deliveries = events.flatMap((event) =>
      endpoints
        .filter((endpoint) => endpoint.events.includes(event.type))
        .map((endpoint) => this.delivery(endpoint.id, { type: event.type, timestamp, data: event.data }, event.ticketId)),
    );
    await this.queue(manager, deliveries);
  }

  /** Queues a test event to one endpoint (active or not); returns the delivery's id. */
  async queueTest(manager: EntityManager, endpointId: number): Promise<string> {
    const now = this.clock.now().toISOString();
    const body = { type: TEST_EVENT_TYPE, timestamp: now, data: { webhook: { id: endpointId }, message: 'A test event from the support backend' } };
    const [id] = await this.queue(manager, [this.delivery(endpointId, body, null)]);
    return id;
  }

  private delivery(endpointId: number, body: WebhookBody, ticketId: number | null): QueuedDelivery {
    return {
      endpointId,
      webhookId: `msg_${randomUUID().replaceAll('-', '')}`,
      eventType: body.type,
      ticketId,
      body,
      orderingKey: orderingKey(endpointId, ticketId),
    };
  }

  private async queue(manager: EntityManager, deliveries: QueuedDelivery[]): Promise<string[]> {
    if (deliveries.length === 0) return [];
    const ids = await this.repository.insertDeliveries(manager, deliveries);
    for (const [i, id] of ids.entries()) {
      await this.outbox.enqueue(manager, { topic: 'webhook', payload: { delivery_id: id }, orderingKey: deliveries[i].orderingKey });
    }
    return ids;
  }

  /** One attempt (the outbox's handler): a throw is a failed attempt, retried by the outbox. */
  private async send({ delivery_id }: WebhookOutboxPayload, attempts: number): Promise<void> {
    const delivery = await this.repository.findToSend(delivery_id);
    // Gone with its endpoint, or settled already (a crash after the attempt, before the outbox's mark).
    if (!delivery || delivery.status !== 'pending') return;
    if (!delivery.active && delivery.event_type !== TEST_EVENT_TYPE) {
      await this.record(delivery, { status: 'failed', attempts: delivery.attempts, responseCode: null, durationMs: 0, error: 'The endpoint is inactive' });
      return;
    }
    const { statusCode, error, durationMs } = await this.attempt(delivery);
    if (attemptSucceeded(statusCode)) {
      await this.record(delivery, { status: 'delivered', attempts, responseCode: statusCode, durationMs, error: null });
      // Only an endpoint that had failed is written to: every write to webhook_endpoints wakes every instance (its NOTIFY).
      if (delivery.consecutive_failures > 0) await this.repository.endpointSucceeded(delivery.endpoint_id);
      return;
    }
    const problem = error ?? (statusCode! >= 300 && statusCode! < 400 ? `The receiver answered ${statusCode} (redirects are not followed)` : `The receiver answered ${statusCode}`);
    const last = attempts >= WEBHOOK_RETRY.maxAttempts;
    await this.record(delivery, { status: last ? 'failed' : 'pending', attempts, responseCode: statusCode, durationMs, error: problem });
    if (last) await this.failed(delivery, attempts, problem);
    throw new Error(problem);
  }

  private async attempt(delivery: DeliveryToSend): Promise<{ statusCode: number | null; error: string | null; durationMs: number }> {
    const body = JSON.stringify(delivery.body);
    const sentAt = this.clock.now();
    const headers = {
      'webhook-id': delivery.webhook_id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(delivery.secret).sign(delivery.webhook_id, sentAt, body),
      'user-agent': 'support-backend-webhooks/1',
    };
    const started = performance.now();
    try {
      const statusCode = await postOnce(new URL(delivery.url), body, { headers, timeoutMs: WEBHOOK_TIMEOUT_MS, allowPrivate: this.config.webhooks.allowPrivate });
      return { statusCode, error: null, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { statusCode: null, error: error instanceof Error ? error.message : String(error), durationMs: Math.round(performance.now() - started) };
    }
  }

  private record(delivery: DeliveryToSend, attempt: Parameters<WebhooksRepository['recordAttempt']>[1]): Promise<void> {
    return this.repository.recordAttempt(delivery.id, attempt, this.clock.now());
  }

  /** A delivery given up: logged, counted against its endpoint, which may be made inactive. */
  private async failed(delivery: DeliveryToSend, attempts: number, error: string): Promise<void> {
    const log = { webhookEndpointId: delivery.endpoint_id, deliveryId: delivery.id, webhookId: delivery.webhook_id, type: delivery.event_type, attempts, error };
    this.logger.error(log, 'Webhook delivery failed for good');
    if (delivery.event_type === TEST_EVENT_TYPE) return;
    const limit = this.config.webhooks.disableAfterFailures;
    if (await this.repository.endpointFailed(delivery.endpoint_id, limit, this.clock.now())) {
      this.logger.warn({ webhookEndpointId: delivery.endpoint_id, failedInARow: limit }, 'Webhook endpoint made inactive after repeated failed deliveries');
      await this.refreshSubscriptions();
    }
  }
}
