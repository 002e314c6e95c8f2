import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { CONTENT_MAX } from '#src/modules/messages/dto/message.dto.js';
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

export class CreateNoteDto {
  @ApiProperty({ maxLength: CONTENT_MAX, example: 'Customer is on the legacy plan; check billing first.' })
  @IsString()
  @Matches(/\S/, { message: 'content must not be blank' })
  @MaxLength(CONTENT_MAX)
  content: string;
}
