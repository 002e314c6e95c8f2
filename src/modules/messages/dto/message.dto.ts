import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { AUTHOR_TYPES, type AuthorType, type MessageEntity } from '#src/modules/messages/message.entity.js';

export const CONTENT_MAX = 20_000;

export class MessageResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() ticket_id: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Null for the bot and for e-mail senders without an account' })
  author_id: number | null;
  @ApiProperty({ enum: AUTHOR_TYPES }) author_type: AuthorType;
  @ApiProperty() is_from_agent: boolean;
  @ApiProperty() content: string;
  @ApiProperty({ type: String, nullable: true }) client_msg_id: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class MessagePageDto extends PageMetaDto {
  @ApiProperty({ type: [MessageResponseDto] }) items: MessageResponseDto[];
}

export function toMessageResponse(message: MessageEntity): MessageResponseDto {
  return {
    id: message.id,
    ticket_id: message.ticketId,
    author_id: message.authorId,
    author_type: message.authorType,
    is_from_agent: message.isFromAgent,
    content: message.content,
    client_msg_id: message.clientMsgId,
    created_at: message.createdAt.toISOString(),
  };
}

export class CreateMessageDto {
  @ApiProperty({ maxLength: CONTENT_MAX, example: 'Thanks, that worked!' })
  @IsString()
  @Matches(/\S/, { message: 'content must not be blank' })
  @MaxLength(CONTENT_MAX)
  content: string;

  @ApiPropertyOptional({ maxLength: 100, description: 'Your id for this send: a retry with the same id stores one message' })
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  client_msg_id?: string;
}
