import { Global, Module } from '@nestjs/common';
import { Clock } from '#src/common/clock.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';

/** Cross-cutting providers every feature module may inject: the event publisher and the clock. */
@Global()
@Module({ providers: [DomainEventPublisher, Clock], exports: [DomainEventPublisher, Clock] })
export class CommonModule {}
