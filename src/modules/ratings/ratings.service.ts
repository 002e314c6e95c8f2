import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { Clock } from '#src/common/clock.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { InTransactionHooks } from '#src/common/events/in-transaction-hooks.js';
import { RATING_WINDOW_DAYS, ratingWindow } from '#src/modules/ratings/domain/rating-window.js';
import { type CreateRatingDto, type RatingResponseDto, type TicketRatingDto, toRatingResponse } from '#src/modules/ratings/dto/rating.dto.js';
import { RatingsRepository } from '#src/modules/ratings/ratings.repository.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import type {} from '#src/modules/ratings/ratings.events.js'; // DomainEvents and InTransactionEvents entries (types only)

/**
 * Satisfaction ratings: a resolved ticket's client rates it once per resolution (1–5, a comment if
 * it likes) within RATING_WINDOW_DAYS of the resolution. The same call serves REST and Socket.IO.
 */
@Injectable()
export class RatingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ratings: RatingsRepository,
    private readonly tickets: TicketsService,
    private readonly hooks: InTransactionHooks,
    private readonly events: DomainEventPublisher,
    private readonly clock: Clock,
  ) {}

  /**
   * 404 for a ticket the caller may not see, 403 for anyone else who is not its client (agents),
   * 409 when it is not resolved, its window has closed, or this resolution is already rated. The
   * ticket row is locked, so a reopen cannot slip between the check and the insert;
   * `rating.created` runs in the same transaction, and is published once committed.
   */
  async rate(actor: AuthUser, ticketId: number, dto: CreateRatingDto): Promise<RatingResponseDto> {
    const now = this.clock.now();
    const rating = await this.dataSource.transaction(async (manager) => {
      const ticket = await this.tickets.lockVisible(actor, ticketId, manager);
      if (ticket.clientId !== actor.id) throw new AppError(ErrorCode.FORBIDDEN, 'Only the ticket’s client may rate it');
      const window = ratingWindow(ticket, now);
      if (!window.open) {
        throw window.reason === 'expired'
          ? new AppError(ErrorCode.CONFLICT, `Ratings close ${RATING_WINDOW_DAYS} days after the resolution`, [{ rate_until: window.until?.toISOString() }])
          : new AppError(ErrorCode.CONFLICT, 'The ticket is not resolved: it can be rated once it is', [{ status: ticket.status }]);
      }
      const row = await this.ratings.insert(manager, ticket.id, dto.score, dto.comment || null, now);
      if (!row) throw new AppError(ErrorCode.CONFLICT, 'This resolution of the ticket is already rated');
      const created = toRatingResponse(row);
      await this.hooks.run('rating.created', manager, created);
      return created;
    });
    this.events.publish('rating.created', { rating });
    return rating;
  }

  /** The ticket's latest rating and whether its client may rate it now; for agents and the ticket's client. */
  async forTicket(actor: AuthUser, ticketId: number): Promise<TicketRatingDto> {
    const ticket = await this.tickets.getVisible(actor, ticketId);
    const latest = await this.ratings.latestForTicket(ticket.id);
    const window = ratingWindow(ticket, this.clock.now());
    return {
      rating: latest && toRatingResponse(latest),
      can_rate: window.open && !latest?.rates_current,
      rate_until: window.until?.toISOString() ?? null,
    };
  }

  /** Every rating one customer gave (a customer's data export). */
  async byClient(clientId: number): Promise<RatingResponseDto[]> {
    return (await this.ratings.byClient(clientId)).map(toRatingResponse);
  }
}
