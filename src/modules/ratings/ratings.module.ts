import { Module } from '@nestjs/common';
import { RatingsController } from '#src/modules/ratings/ratings.controller.js';
import { RatingsRepository } from '#src/modules/ratings/ratings.repository.js';
import { RatingsService } from '#src/modules/ratings/ratings.service.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';

@Module({
  imports: [TicketsModule],
  controllers: [RatingsController],
  providers: [RatingsService, RatingsRepository],
  exports: [RatingsService],
})
export class RatingsModule {}
