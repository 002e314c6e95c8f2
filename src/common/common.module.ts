import { Global, Module } from '@nestjs/common';
import { Clock } from '#src/common/clock.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { InTransactionHooks } from '#src/common/events/in-transaction-hooks.js';
import { I18nService } from '#src/common/i18n/i18n.service.js';

/**
 * Cross-cutting providers every feature module may inject: the event publisher, the in-transaction
 * hooks, the clock and the system texts.
 */
@Global()
@Module({
  providers: [DomainEventPublisher, InTransactionHooks, Clock, I18nService],
  exports: [DomainEventPublisher, InTransactionHooks, Clock, I18nService],
})
export class CommonModule {}
