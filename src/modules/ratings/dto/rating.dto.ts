import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_INT4 } from '#src/common/validation/limits.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { Trim } from '#src/common/validation/transforms.js';
import type { RatingRecord } from '#src/modules/ratings/ratings.repository.js';

export const COMMENT_MAX = 2000;

export class RatingResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() ticket_id: number;
  @ApiProperty({ minimum: 1, maximum: 5 }) score: number;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
  @ApiProperty({ description: 'The customer who rated (the ticket’s client)' }) client_id: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The ticket’s agent when it was rated' }) agent_id: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The ticket’s queue when it was rated' }) queue_id: number | null;
  @ApiProperty({ format: 'date-time', description: 'The resolution this rating is about' }) resolved_at: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export function toRatingResponse(row: RatingRecord): RatingResponseDto {
  return {
    id: row.id,
    ticket_id: row.ticket_id,
    score: row.score,
    comment: row.comment,
    client_id: row.client_id,
    agent_id: row.agent_id,
    queue_id: row.queue_id,
    resolved_at: row.resolved_at.toISOString(),
    created_at: row.created_at.toISOString(),
  };
}

export class CreateRatingDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  score: number;

  @ApiPropertyOptional({ maxLength: COMMENT_MAX, example: 'Quick and friendly, thank you!' })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @MaxLength(COMMENT_MAX)
  comment?: string;
}

/** `ticket:rate` over Socket.IO: the REST body with its ticket. */
export class RateTicketPayload extends CreateRatingDto {
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  ticket_id: number;
}

export class TicketRatingDto {
  @ApiProperty({ type: RatingResponseDto, nullable: true, description: 'The latest rating of the ticket (of any of its resolutions); null when never rated' })
  rating: RatingResponseDto | null;

  @ApiProperty({ description: 'Whether the ticket’s client may rate it now: resolved (or closed), within the window, this resolution not yet rated' })
  can_rate: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the current resolution’s window ends; null while the ticket is not resolved' })
  rate_until: string | null;
}
