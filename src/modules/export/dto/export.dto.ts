import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsEnumValue } from '#src/common/validation/enum-value.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { AttachmentResponseDto } from '#src/modules/attachments/dto/attachment.dto.js';
import { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import { RatingResponseDto } from '#src/modules/ratings/dto/rating.dto.js';
import { ListTicketsQueryDto, TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import { UserResponseDto } from '#src/modules/users/dto/user.dto.js';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The tickets list's filters (no paging: the export holds every match), and the format. */
export class ExportTicketsQueryDto extends OmitType(ListTicketsQueryDto, ['limit', 'cursor', 'skip'] as const) {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv', description: 'csv: one row per ticket, custom fields as `custom_fields.<key>` columns; jsonl: one ticket (as GET /tickets/:id shows it) per line' })
  @OptionalNotNull()
  @IsEnumValue(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class CustomerExportDto {
  @ApiProperty({ format: 'date-time' }) exported_at: string;
  @ApiProperty({ type: UserResponseDto, description: 'The profile (never a password hash)' }) user: UserResponseDto;
  @ApiProperty({ type: [TicketResponseDto], description: 'The tickets the user opened (or that were opened for them), as the customer sees them: with custom fields, but not agent-only ones nor the model’s suggestions' })
  tickets: TicketResponseDto[];
  @ApiProperty({ type: [MessageResponseDto], description: 'The customer-visible threads of those tickets (internal notes are not included)' })
  messages: MessageResponseDto[];
  @ApiProperty({ type: [AttachmentResponseDto], description: 'Metadata of the files on those tickets and their messages (not the bytes; not files on notes)' })
  attachments: AttachmentResponseDto[];
  @ApiProperty({ type: [RatingResponseDto], description: 'The satisfaction ratings the user gave' })
  ratings: RatingResponseDto[];
}
