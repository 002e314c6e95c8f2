import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IdList } from '#src/common/validation/id-list.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import type { OwnedField } from '#src/common/validation/agreement.js';
import { MAX_INT4 } from '#src/common/validation/limits.js';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { pgTimestampToIso } from '#src/common/database/timestamps.js';
import { AUTHOR_TYPES, type AuthorType } from '#src/modules/messages/message.entity.js';
import type { MessageRecord } from '#src/modules/messages/messages.repository.js';

export const CONTENT_MAX = 20_000;
/** Files one message may take from its ticket at once (UPLOAD_MAX_FILES still bounds a message's files). */
export const ATTACHMENT_IDS_MAX = 20;

/** The name shown for authors without an account of their own. */
const NAMES_OF_NAMELESS: Partial<Record<string, string>> = { bot: 'Support bot', system: 'System' };

/** The author's name to show: the stored one, else the bot's or the system's, else null (an author since deleted). */
export function authorNameOf(author: { author_name: string | null; author_type: string }): string | null {
  return author.author_name ?? NAMES_OF_NAMELESS[author.author_type] ?? null;
}

/** Who wrote a message or a note, as every response carries it (a widget needs no /users to show it). */
export class AuthorDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Jane Doe',
    description: "The author's current name (a visitor's: the name given for the chat); `Support bot` for the bot, `System` for the system; null only for an author since deleted",
  })
  author_name: string | null;
}

export class MessageResponseDto extends AuthorDto {
  @ApiProperty() id: number;
  @ApiProperty() ticket_id: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Null for the bot and for e-mail senders without an account' })
  author_id: number | null;
  @ApiProperty({ enum: AUTHOR_TYPES, description: '`agent` covers admins' }) author_type: AuthorType;
  @ApiProperty() is_from_agent: boolean;
  @ApiProperty() content: string;
  @ApiProperty({ type: String, nullable: true }) client_msg_id: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class MessagePageDto extends PageMetaDto {
  @ApiProperty({ type: [MessageResponseDto] }) items: MessageResponseDto[];
}

export function toMessageResponse(message: MessageRecord): MessageResponseDto {
  return {
    id: message.id,
    ticket_id: message.ticket_id,
    author_id: message.author_id,
    author_name: authorNameOf(message),
    author_type: message.author_type,
    is_from_agent: message.is_from_agent,
    content: message.content,
    client_msg_id: message.client_msg_id,
    created_at: pgTimestampToIso(message.created_at),
  };
}

/** The text of a message or a note: not blank, at most CONTENT_MAX characters. */
export const Content = () => applyDecorators(IsString(), Matches(/\S/, { message: 'content must not be blank' }), MaxLength(CONTENT_MAX));

/** A server-owned id a client may send back (see AuthoredFieldsDto): a positive integer, or left out. */
export const OwnedId = () => applyDecorators(OptionalNotNull(), IsInt(), Min(1), Max(MAX_INT4));

/**
 * Fields the server sets on what a user writes on a ticket (a message, a note). Clients written
 * for the described system send them; they are accepted only when they agree (see authoredFieldChecks).
 */
export class AuthoredFieldsDto {
  @ApiPropertyOptional({ description: 'Set by the server: the ticket in the path (or the event). Accepted only when equal (else 422).' })
  @OwnedId()
  ticket_id?: number;

  @ApiPropertyOptional({ description: "Set by the server: the caller. Accepted only when it is the caller's own id (else 422)." })
  @OwnedId()
  author_id?: number;
}

export class CreateMessageDto extends AuthoredFieldsDto {
  @ApiProperty({ maxLength: CONTENT_MAX, example: 'Thanks, that worked!' })
  @Content()
  content: string;

  @ApiPropertyOptional({ maxLength: 100, description: 'Your id for this send: a retry with the same id stores one message' })
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  client_msg_id?: string;

  @ApiPropertyOptional({
    type: [Number],
    maxItems: ATTACHMENT_IDS_MAX,
    example: [12],
    description:
      'Files the caller uploaded to this ticket (POST /tickets/:id/attachments, best with `?for=message`) that the message tells of: they move under the message, in the same transaction. Upload first, then send: a refused file (413) leaves no message behind. A file not yours, not on this ticket or already on a message: 422 naming `attachment_ids`, and nothing is stored',
  })
  @OptionalNotNull()
  @IdList(ATTACHMENT_IDS_MAX)
  attachment_ids?: number[];

  @ApiPropertyOptional({ description: 'Set by the server: true for agents and admins, false for customers. Accepted only when it matches the caller (else 422).' })
  @OptionalNotNull()
  @IsBoolean()
  is_from_agent?: boolean;
}

/** The agreement checks (see requireAgreement) for the fields of AuthoredFieldsDto. */
export function authoredFieldChecks(dto: AuthoredFieldsDto, actor: Pick<AuthUser, 'id'>, ticketId: number): OwnedField[] {
  return [
    { field: 'ticket_id', given: dto.ticket_id, expected: ticketId, must: 'the ticket it is written on' },
    { field: 'author_id', given: dto.author_id, expected: actor.id, must: "the caller's own id" },
  ];
}
