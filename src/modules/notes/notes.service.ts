import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { Clock } from '#src/common/clock.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { requireAgreement } from '#src/common/validation/agreement.js';
import { AttachmentsService } from '#src/modules/attachments/attachments.service.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { type CreateNoteDto, type NoteResponseDto, toNoteResponse, type UpdateNoteDto } from '#src/modules/notes/dto/note.dto.js';
import { NotesRepository } from '#src/modules/notes/notes.repository.js';
import { authoredFieldChecks } from '#src/modules/messages/dto/message.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import type {} from '#src/modules/notes/notes.events.js'; // DomainEvents entries (types only)

const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);

/** Internal notes: agents only. To a client they do not exist (404, never 403). */
@Injectable()
export class NotesService {
  constructor(
    private readonly notes: NotesRepository,
    private readonly tickets: TicketsService,
    private readonly events: DomainEventPublisher,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly attachments: AttachmentsService,
  ) {}

  async list(actor: AuthUser, ticketId: number, query: PaginationQueryDto): Promise<Page<NoteResponseDto>> {
    if (!isAgent(actor)) throw notFound('Ticket');
    await this.tickets.getVisible(actor, ticketId);
    const limit = query.limit ?? 20;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await this.notes.listByTicket(ticketId, afterId, limit), limit, toNoteResponse, (n) => [n.id]);
  }

  /** The first `limit` notes of a ticket whose access (agents only) the caller has already checked. */
  async firstOf(ticketId: number, limit: number): Promise<NoteResponseDto[]> {
    return (await this.notes.listByTicket(ticketId, undefined, limit)).slice(0, limit).map(toNoteResponse);
  }

  async create(actor: AuthUser, ticketId: number, dto: CreateNoteDto): Promise<NoteResponseDto> {
    if (!isAgent(actor)) throw notFound('Ticket');
    requireAgreement(authoredFieldChecks(dto, actor, ticketId));
    const ticket = await this.tickets.getVisible(actor, ticketId);
    const note = toNoteResponse(await this.notes.insert({ ticketId, authorId: actor.id, authorType: 'agent', content: dto.content, createdAt: this.clock.now() }));
    this.events.publish('note.created', { note, ticket: this.tickets.respond(ticket) });
    return note;
  }

  /**
   * A note by the bot or the system on a ticket locked in `manager`'s transaction (the context the
   * bot collected for the agents); publish it with `announce` once committed.
   */
  async appendBySystem(manager: EntityManager, ticketId: number, authorType: 'bot' | 'system', content: string): Promise<NoteResponseDto> {
    return toNoteResponse(await this.notes.insert({ ticketId, authorId: null, authorType, content, createdAt: this.clock.now() }, manager));
  }

  announce(note: NoteResponseDto, ticket: TicketResponseDto): void {
    this.events.publish('note.created', { note, ticket });
  }

  /**
   * Changes a note's text: its author or an admin may; another agent gets 403, a client 404 (notes
   * do not exist for customers). The row lock orders an edit with uploads to the note and its deletion.
   */
  async update(actor: AuthUser, id: number, dto: UpdateNoteDto): Promise<NoteResponseDto> {
    if (!isAgent(actor)) throw notFound('Note');
    const note = await this.dataSource.transaction(async (manager) => {
      const current = await this.notes.lockById(id, manager);
      if (!current) throw notFound('Note');
      if (current.authorId !== actor.id && actor.role !== 'admin') {
        throw new AppError(ErrorCode.FORBIDDEN, 'Only the author of a note or an admin may edit it');
      }
      requireAgreement([
        { field: 'ticket_id', given: dto.ticket_id, expected: current.ticketId, must: "the note's own ticket_id" },
        { field: 'author_id', given: dto.author_id, expected: current.authorId, must: "the note's own author_id" },
      ]);
      return toNoteResponse((await this.notes.updateContent(id, dto.content, this.clock.now(), manager))!);
    });
    this.events.publish('note.updated', { note, actorId: actor.id });
    return note;
  }

  /** Deletes a note with its attachments: rows in one transaction, then the files. */
  async delete(actor: AuthUser, id: number): Promise<void> {
    if (!isAgent(actor)) throw notFound('Note');
    const { note, files } = await this.dataSource.transaction(async (manager) => {
      const note = await this.notes.lockById(id, manager);
      if (!note) throw notFound('Note');
      const files = await this.attachments.detachAll({ kind: 'note', id }, manager);
      await this.notes.delete(id, manager);
      return { note, files };
    });
    await this.attachments.discardFiles(files);
    this.events.publish('note.deleted', { noteId: id, ticketId: note.ticketId });
  }
}
