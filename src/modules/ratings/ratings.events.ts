import type { RatingResponseDto } from '#src/modules/ratings/dto/rating.dto.js';

/** The ratings module's domain events (see DomainEvents): after the rating is committed. */
declare module '#src/common/events/domain-events.js' {
  interface DomainEvents {
    'rating.created': { rating: RatingResponseDto };
  }
}

/** The ratings module's in-transaction events (see InTransactionEvents): inside the rating's transaction (webhooks queue it). */
declare module '#src/common/events/in-transaction-hooks.js' {
  interface InTransactionEvents {
    'rating.created': { probe: never; payload: RatingResponseDto };
  }
}
