import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { CreateNoteDto, NotePageDto, NoteResponseDto, UpdateNoteDto } from '#src/modules/notes/dto/note.dto.js';
import { NotesService } from '#src/modules/notes/notes.service.js';

/** Agents only; a client gets 404 (notes do not exist for customers), so no @Roles here. */
@ApiTags('notes')
@ApiBearerAuth()
@Controller()
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get('tickets/:id/notes')
  @ApiOperation({ summary: 'Internal notes, oldest first (agents)' })
  @ApiOkResponse({ type: NotePageDto })
  @ApiErrors(401, 404, 422)
  list(@CurrentUser() user: AuthUser, @IdParam() ticketId: number, @Query() query: PaginationQueryDto): Promise<NotePageDto> {
    return this.notes.list(user, ticketId, query);
  }

  @Post('tickets/:id/notes')
  @ApiOperation({ summary: 'Add an internal note (agents)' })
  @ApiCreatedResponse({ type: NoteResponseDto })
  @ApiErrors(401, 404, 422)
  create(@CurrentUser() user: AuthUser, @IdParam() ticketId: number, @Body() dto: CreateNoteDto): Promise<NoteResponseDto> {
    return this.notes.create(user, ticketId, dto);
  }

  @Patch('notes/:id')
  @ApiOperation({ summary: 'Edit a note: its author or an admin (another agent: 403)' })
  @ApiOkResponse({ type: NoteResponseDto })
  @ApiErrors(401, 403, 404, 422)
  update(@CurrentUser() user: AuthUser, @IdParam() id: number, @Body() dto: UpdateNoteDto): Promise<NoteResponseDto> {
    return this.notes.update(user, id, dto);
  }

  @Delete('notes/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a note and its attachments (agents)' })
  @ApiNoContentResponse({ description: 'Deleted, with its attachments' })
  @ApiErrors(401, 404, 422)
  delete(@CurrentUser() user: AuthUser, @IdParam() id: number): Promise<void> {
    return this.notes.delete(user, id);
  }
}
