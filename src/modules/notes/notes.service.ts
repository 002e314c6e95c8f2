import { Injectable } from '@nestjs/common';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { Clock } from '#src/common/clock.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { type CreateNoteDto, type NoteResponseDto, toNoteResponse } from '#src/modules/notes/dto/note.dto.js';
import { NotesRepository } from '#src/modules/notes/notes.repository.js';
import { toTicketResponse } from '#src/modules/tickets/dto/ticket.dto.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';

const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);

/** Internal notes: agents only. To a client they do not exist (404, never 403). */
@Injectable()
export class NotesService {
  constructor(
    private readonly notes: NotesRepository,
    private readonly tickets: TicketsService,
    private readonly events: DomainEventPublisher,
    private readonly clock: Clock,
  ) {}

  async list(actor: AuthUser, ticketId: number, query: PaginationQueryDto): Promise<Page<NoteResponseDto>> {
    if (!isAgent(actor)) throw notFound('Ticket');
    await this.tickets.getVisible(actor, ticketId);
    const limit = query.limit ?? 20;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await this.notes.listByTicket(ticketId, afterId, limit), limit, toNoteResponse, (n) => [n.id]);
  }

  async create(actor: AuthUser, ticketId: number, dto: CreateNoteDto): Promise<NoteResponseDto> {
    if (!isAgent(actor)) throw notFound('Ticket');
    const ticket = await this.tickets.getVisible(actor, ticketId);
    const note = toNoteResponse(await this.notes.insert({ ticketId, authorId: actor.id, content: dto.content, createdAt: this.clock.now() }));
    this.events.publish('note.created', { note, ticket: toTicketResponse(ticket) });
    return note;
  }

  async delete(actor: AuthUser, id: number): Promise<void> {
    const note = isAgent(actor) ? await this.notes.findById(id) : null;
    if (!note) throw notFound('Note');
    await this.notes.delete(id);
    this.events.publish('note.deleted', { noteId: id, ticketId: note.ticketId });
  }
}
