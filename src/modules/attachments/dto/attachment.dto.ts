import { ApiProperty } from '@nestjs/swagger';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { lowerCaseEnum } from '#src/common/validation/enum-value.js';
import type { AttachmentEntity } from '#src/modules/attachments/attachment.entity.js';

export class AttachmentResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ description: 'The uploaded name, cleaned: no folders, no control characters, at most 255 bytes' })
  filename: string;
  @ApiProperty({
    description:
      'Decided by the bytes: a format recognised by its magic numbers; else, for text, text/html, image/svg+xml or application/xml ' +
      'for such markup, the declared type when it is application/json, text/csv, text/tab-separated-values or text/markdown, ' +
      'else text/plain; application/octet-stream for bytes that are not text. A declared type a browser would render or run is never kept.',
    example: 'image/png',
  })
  content_type: string;
  @ApiProperty({ description: 'Bytes' }) size: number;
  @ApiProperty({ description: 'Hex SHA-256 of the bytes' }) sha256: string;
  @ApiProperty({ type: Number, nullable: true }) message_id: number | null;
  @ApiProperty({ type: Number, nullable: true }) note_id: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Set for a file on the ticket itself (not on one of its messages)' })
  ticket_id: number | null;
  @ApiProperty({ type: Number, nullable: true }) uploader_id: number | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class AttachmentPageDto extends PageMetaDto {
  @ApiProperty({ type: [AttachmentResponseDto] }) items: AttachmentResponseDto[];
}

/** Swagger only: the multipart body of an upload. */
export class UploadAttachmentDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'One file per request; any other field (text or file) is refused with 422 naming it' })
  file: unknown;
}

/** What a ticket upload may be for (`?for=`): absent, a file of the ticket itself. */
export const UPLOAD_FOR = ['message'] as const;

/**
 * `?for=message` on a ticket upload: true; absent: false (a ticket file, as always); anything else
 * 422. Read on its own rather than through a query DTO, so the route refuses no query it took before.
 */
export function uploadForMessage(value: unknown): boolean {
  if (value === undefined) return false;
  if (lowerCaseEnum(value) === 'message') return true;
  throw new AppError(ErrorCode.VALIDATION_FAILED, 'for must be one of: message', [{ field: 'for', problems: ['for must be one of: message'] }]);
}

export function toAttachmentResponse(a: AttachmentEntity): AttachmentResponseDto {
  return {
    id: a.id,
    filename: a.filename,
    content_type: a.contentType,
    size: a.size,
    sha256: a.sha256,
    message_id: a.messageId,
    note_id: a.noteId,
    ticket_id: a.ticketId,
    uploader_id: a.uploaderId,
    created_at: a.createdAt.toISOString(),
  };
}
