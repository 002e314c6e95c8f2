import { Module } from '@nestjs/common';
import { CsatStatsRepository } from '#src/modules/ratings/csat-stats.repository.js';

/**
 * The CSAT figures alone, for the tickets module's stats: a module of its own, so that tickets can
 * import it while RatingsModule imports tickets (no cycle).
 */
@Module({
  providers: [CsatStatsRepository],
  exports: [CsatStatsRepository],
})
export class CsatStatsModule {}
