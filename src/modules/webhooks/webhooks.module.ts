import { Module } from '@nestjs/common';
import { OutboxModule } from '#src/modules/outbox/outbox.module.js';
import { WebhookDeliveryService } from '#src/modules/webhooks/webhook-delivery.service.js';
import { WebhooksController } from '#src/modules/webhooks/webhooks.controller.js';
import { WebhooksRepository } from '#src/modules/webhooks/webhooks.repository.js';
import { WebhooksService } from '#src/modules/webhooks/webhooks.service.js';

/** Outgoing webhooks (Standard Webhooks): endpoints, deliveries through the outbox, the delivery log. */
@Module({
  imports: [OutboxModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookDeliveryService, WebhooksRepository],
})
export class WebhooksModule {}
