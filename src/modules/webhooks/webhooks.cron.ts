import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { WebhookDeliveryService } from '#src/modules/webhooks/webhook-delivery.service.js';

/** Every 15 s, endpoints added, changed or removed on other instances reach this one's subscription list. */
export const SUBSCRIPTIONS_REFRESH_MS = 15_000;

@Injectable()
export class WebhooksCron {
  private readonly logger = new Logger(WebhooksCron.name);

  constructor(private readonly deliveries: WebhookDeliveryService) {}

  @Interval(SUBSCRIPTIONS_REFRESH_MS)
  async refresh(): Promise<void> {
    try {
      await this.deliveries.refreshSubscriptions();
    } catch (error) {
      this.logger.error({ err: error }, 'Reading webhook subscriptions failed; the next run retries');
    }
  }
}
