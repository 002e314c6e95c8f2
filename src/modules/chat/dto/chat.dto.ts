import { IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_INT4 } from '#src/common/validation/limits.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { CONTENT_MAX } from '#src/modules/messages/dto/message.dto.js';

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

export class SendMessagePayload {
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  ticket_id: number;

  @IsString()
  @Matches(/\S/, { message: 'content must not be blank' })
  @MaxLength(CONTENT_MAX)
  content: string;

  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  client_msg_id?: string;
}

export class TypingPayload {
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  ticket_id: number;
}
