import { IntersectionType, OmitType } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_INT4 } from '#src/common/validation/limits.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { CreateMessageDto } from '#src/modules/messages/dto/message.dto.js';

export class JoinTicketPayload {
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  ticket_id: number;

  /** Replay: the messages after this one (all of them when absent). */
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_INT4)
  since_message_id?: number;
}

export class TypingPayload {
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  ticket_id: number;
}

/** `message:send`: a message as over REST (author_id and is_from_agent accepted when they agree), with its ticket. */
export class SendMessagePayload extends IntersectionType(TypingPayload, OmitType(CreateMessageDto, ['ticket_id'] as const)) {}
