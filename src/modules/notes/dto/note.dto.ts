import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { AuthoredFieldsDto, Content, CONTENT_MAX } from '#src/modules/messages/dto/message.dto.js';
import type { NoteEntity } from '#src/modules/notes/note.entity.js';

export class NoteResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() ticket_id: number;
  @ApiProperty({ type: Number, nullable: true }) author_id: number | null;
  @ApiProperty() content: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class NotePageDto extends PageMetaDto {
  @ApiProperty({ type: [NoteResponseDto] }) items: NoteResponseDto[];
}

export function toNoteResponse(note: NoteEntity): NoteResponseDto {
  return {
    id: note.id,
    ticket_id: note.ticketId,
    author_id: note.authorId,
    content: note.content,
    created_at: note.createdAt.toISOString(),
  };
}

export class CreateNoteDto extends AuthoredFieldsDto {
  @ApiProperty({ maxLength: CONTENT_MAX, example: 'Customer is on the legacy plan; check billing first.' })
  @Content()
  content: string;
}
