import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { AuthorDto, AuthoredFieldsDto, authorNameOf, Content, CONTENT_MAX, OwnedId } from '#src/modules/messages/dto/message.dto.js';
import { NOTE_AUTHOR_TYPES, type NoteAuthorType } from '#src/modules/notes/note.entity.js';
import type { NoteRecord } from '#src/modules/notes/notes.repository.js';

export class NoteResponseDto extends AuthorDto {
  @ApiProperty() id: number;
  @ApiProperty() ticket_id: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Null for the bot and the system' }) author_id: number | null;
  @ApiProperty({ enum: NOTE_AUTHOR_TYPES, description: '`agent` covers admins' }) author_type: NoteAuthorType;
  @ApiProperty() content: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', description: 'The last edit; equal to created_at for a note never edited' }) updated_at: string;
}

export class NotePageDto extends PageMetaDto {
  @ApiProperty({ type: [NoteResponseDto] }) items: NoteResponseDto[];
}

export function toNoteResponse(note: NoteRecord): NoteResponseDto {
  return {
    id: note.id,
    ticket_id: note.ticket_id,
    author_id: note.author_id,
    author_name: authorNameOf(note),
    author_type: note.author_type,
    content: note.content,
    created_at: note.created_at.toISOString(),
    updated_at: note.updated_at.toISOString(),
  };
}

export class CreateNoteDto extends AuthoredFieldsDto {
  @ApiProperty({ maxLength: CONTENT_MAX, example: 'Customer is on the legacy plan; check billing first.' })
  @Content()
  content: string;
}

/**
 * An edit of a note: its text. A note read back may carry its ticket_id and author_id, accepted
 * only when they are the note's own (else 422): an edit never moves a note nor changes its author.
 */
export class UpdateNoteDto extends PickType(CreateNoteDto, ['content'] as const) {
  @ApiPropertyOptional({ description: "Set by the server: the note's own ticket. Accepted only when equal (else 422)." })
  @OwnedId()
  ticket_id?: number;

  @ApiPropertyOptional({ description: "Set by the server: the note's author (not the editor: an admin may edit another's note). Accepted only when equal (else 422)." })
  @OwnedId()
  author_id?: number;
}
