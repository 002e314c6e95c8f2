import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { CreateRatingDto, RatingResponseDto, TicketRatingDto } from '#src/modules/ratings/dto/rating.dto.js';
import { RatingsService } from '#src/modules/ratings/ratings.service.js';

@ApiTags('ratings')
@ApiBearerAuth()
@Controller('tickets/:id/rating')
export class RatingsController {
  constructor(private readonly ratings: RatingsService) {}

  @Post()
  @ApiOperation({
    summary: 'Rate a resolved ticket (its client): once per resolution, within 7 days of it',
    description: '409 when the ticket is not resolved (or closed), the 7 days have passed, or this resolution is already rated. Agents: 403; another customer: 404.',
  })
  @ApiCreatedResponse({ type: RatingResponseDto })
  @ApiErrors(401, 403, 404, 409, 422)
  rate(@CurrentUser() user: AuthUser, @IdParam() ticketId: number, @Body() dto: CreateRatingDto): Promise<RatingResponseDto> {
    return this.ratings.rate(user, ticketId, dto);
  }

  @Get()
  @ApiOperation({ summary: 'The ticket’s latest rating, and whether its client may rate it now (agents, the ticket’s client)' })
  @ApiOkResponse({ type: TicketRatingDto })
  @ApiErrors(401, 404, 422)
  get(@CurrentUser() user: AuthUser, @IdParam() ticketId: number): Promise<TicketRatingDto> {
    return this.ratings.forTicket(user, ticketId);
  }
}
