import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { Clock } from '#src/common/clock.js';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '#src/common/database/pg-errors.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { requireAgreement } from '#src/common/validation/agreement.js';
import { AttachmentsService } from '#src/modules/attachments/attachments.service.js';
import type { AttachmentResponseDto } from '#src/modules/attachments/dto/attachment.dto.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { InTransactionHooks } from '#src/common/events/in-transaction-hooks.js';
import { decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { authoredFieldChecks, type CreateMessageDto, type MessageResponseDto, toMessageResponse } from '#src/modules/messages/dto/message.dto.js';
import type { AuthorType } from '#src/modules/messages/message.entity.js';
import { type MessageRecord, MessagesRepository } from '#src/modules/messages/messages.repository.js';
import { statusesUnchangedByMessage } from '#src/modules/tickets/domain/ticket-status.js';
import type { TicketEntity } from '#src/modules/tickets/ticket.entity.js';
import { type Actor, TicketsService } from '#src/modules/tickets/tickets.service.js';
import type {} from '#src/modules/messages/messages.events.js'; // DomainEvents entries (types only)

/** Who writes a message: a user, or the bot / system / an e-mail sender without an account. */
export interface MessageAuthor {
  id: number | null;
  type: AuthorType;
  /** A visitor's session (a chat without an account): the message is signed with the name the visitor gave. */
  visitorSessionId?: number;
}

/** A message stored in a caller's transaction, with its ticket before and after. */
export interface AppendedMessage {
  message: MessageRecord;
  before: TicketEntity;
  after: TicketEntity;
  changes: string[];
  actorId: number | null;
  /** Uploads made for the message that it claimed (`attachmentIds`), to announce once committed. */
  claimed?: AttachmentResponseDto[];
}

export interface PostedMessage {
  message: MessageResponseDto;
  /** false when a retried client_msg_id returned the message stored the first time (REST answers 200, not 201). */
  created: boolean;
}

@Injectable()
export class MessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: MessagesRepository,
    private readonly tickets: TicketsService,
    private readonly events: DomainEventPublisher,
    private readonly clock: Clock,
    private readonly attachments: AttachmentsService,
    private readonly hooks: InTransactionHooks,
  ) {}

  async list(actor: AuthUser, ticketId: number, query: PaginationQueryDto): Promise<Page<MessageResponseDto>> {
    await this.tickets.getVisible(actor, ticketId);
    const limit = query.limit ?? 20;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await this.messages.listByTicket(ticketId, afterId, limit), limit, toMessageResponse, (m) => [m.id]);
  }

  /** Messages after `afterId` in order (a reconnecting console's replay), at most `limit`. */
  async history(actor: AuthUser, ticketId: number, afterId: number | undefined, limit: number): Promise<{ messages: MessageResponseDto[]; hasMore: boolean }> {
    await this.tickets.getVisible(actor, ticketId);
    const rows = await this.messages.listByTicket(ticketId, afterId, limit);
    return { messages: rows.slice(0, limit).map(toMessageResponse), hasMore: rows.length > limit };
  }

  /** The first `limit` messages of a ticket whose access the caller has already checked (suggested replies). */
  async firstOf(ticketId: number, limit: number): Promise<MessageResponseDto[]> {
    return (await this.messages.listByTicket(ticketId, undefined, limit)).slice(0, limit).map(toMessageResponse);
  }

  /** A signed-in user's message on a ticket it may see (the ticket's client, or any agent). */
  async create(actor: AuthUser, ticketId: number, dto: CreateMessageDto): Promise<PostedMessage> {
    const fromAgent = isAgent(actor);
    requireAgreement([
      ...authoredFieldChecks(dto, actor, ticketId),
      { field: 'is_from_agent', given: dto.is_from_agent, expected: fromAgent, must: `${fromAgent}: the caller is ${fromAgent ? 'an agent' : 'a customer'}` },
    ]);
    const author: MessageAuthor = { id: actor.id, type: fromAgent ? 'agent' : 'client', visitorSessionId: actor.visitorSessionId };
    return this.post(actor, ticketId, author, dto.content, dto.client_msg_id ?? null, dto.attachment_ids);
  }

  /**
   * Stores a message and only then announces it. The same (author, client_msg_id) twice stores one
   * message and returns it both times. `actor` null skips the visibility check (bot, e-mail).
   *
   * Most messages change nothing on their ticket and are stored in one statement that checks, under
   * the ticket's row lock, that this still holds. A message that does change it (the first agent
   * reply, a customer answering a waiting or resolved ticket), or finds the ticket moved meanwhile,
   * takes the locked path: the change and the message commit together, and a closed ticket is a 409.
   * So does a message an in-transaction hook wants (an agent's reply that may be mailed to the
   * customer): the hook's outbox row commits with the message or not at all.
   */
  async post(actor: Actor, ticketId: number, author: MessageAuthor, content: string, clientMsgId: string | null, attachmentIds: number[] = []): Promise<PostedMessage> {
    const ticket = actor ? await this.tickets.getVisible(actor, ticketId) : await this.tickets.getById(ticketId);
    const fromAgent = author.type === 'agent';
    const now = this.clock.now();
    const values = { ticketId, authorId: author.id, authorType: author.type, isFromAgent: fromAgent, content, clientMsgId, createdAt: now, visitorSessionId: author.visitorSessionId };
    const hooked = this.hooks.wants('message.created', { fromAgent, source: ticket.source });
    // Files the message tells of move under it in its transaction: the locked path.
    if (!hooked && attachmentIds.length === 0 && !this.tickets.messageChangesTicket(ticket, fromAgent)) {
      const stored = await this.messages.insertIfTicketUnchanged(values, statusesUnchangedByMessage(fromAgent));
      if (stored) {
        const message = toMessageResponse(stored);
        this.events.publish('message.created', { message, ticket: this.tickets.respond(ticket) });
        return { message, created: true };
      }
    }
    if (clientMsgId !== null) {
      const existing = await this.messages.findByClientMsgId(author.id, clientMsgId);
      if (existing) return this.replay(existing, ticketId);
    }
    let result: AppendedMessage;
    let claimed: AttachmentResponseDto[] = [];
    try {
      result = await this.dataSource.transaction(async (manager) => {
        const before = await this.tickets.lockVisible(actor, ticketId, manager);
        const appended = await this.append(manager, before, author, content, { clientMsgId, at: now, attachmentIds });
        claimed = appended.claimed ?? [];
        return appended;
      });
    } catch (error) {
      // Two sends of the same client_msg_id raced: the other one stored it.
      if (clientMsgId !== null && pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
        const existing = await this.messages.findByClientMsgId(author.id, clientMsgId);
        if (existing) return this.replay(existing, ticketId);
      }
      throw error;
    }
    const message = await this.announce(result);
    this.attachments.announceClaimed(ticketId, claimed);
    return { message, created: true };
  }

  /**
   * Stores a message on a ticket the caller has locked in `manager`'s transaction, with what it
   * does to the ticket (first response, status), and runs the in-transaction hooks that want it (a
   * mail to the customer). For writers that commit the message together with rows of their own
   * (the e-mail channel); `announce` it once committed.
   */
  async append(
    manager: EntityManager,
    before: TicketEntity,
    author: MessageAuthor,
    content: string,
    options: { clientMsgId?: string | null; at?: Date; reopenClosed?: boolean; attachmentIds?: number[] } = {},
  ): Promise<AppendedMessage> {
    const fromAgent = author.type === 'agent';
    const at = options.at ?? this.clock.now();
    const { ticket: after, changes } = await this.tickets.applyMessage(manager, before, fromAgent, author.id, at, { reopenClosed: options.reopenClosed });
    const message = await this.messages.insert(
      {
        ticketId: before.id,
        authorId: author.id,
        authorType: author.type,
        isFromAgent: fromAgent,
        content,
        clientMsgId: options.clientMsgId ?? null,
        createdAt: at,
        visitorSessionId: author.visitorSessionId,
      },
      manager,
    );
    // The files the message tells of move under it before the hooks run: a reply mailed to the
    // customer carries them (the mail is queued here, with the message as it was posted).
    const attachmentIds = options.attachmentIds ?? [];
    let claimed: AttachmentResponseDto[] = [];
    if (attachmentIds.length > 0 && author.id !== null) {
      claimed = await this.attachments.moveToMessage(manager, attachmentIds, { id: message.id, ticketId: before.id, authorId: author.id });
    }
    if (this.hooks.wants('message.created', { fromAgent, source: before.source })) {
      const payload = { message: toMessageResponse(message), ticket: this.tickets.respond(after), attachmentIds: author.id === null ? [] : attachmentIds };
      await this.hooks.run('message.created', manager, payload);
    }
    return { message, before, after, changes, actorId: author.id, claimed };
  }

  /** After an appended message committed: `message.created`, the ticket's changes, and their follow-ups. */
  async announce(result: AppendedMessage): Promise<MessageResponseDto> {
    const message = toMessageResponse(result.message);
    const after = this.tickets.respond(result.after);
    this.events.publish('message.created', { message, ticket: after });
    if (result.changes.length > 0) {
      this.events.publish('ticket.updated', { ticket: after, changes: result.changes, actorId: result.actorId });
      await this.tickets.afterStatusChange(result.before, result.after);
    }
    return message;
  }

  /** Deletes a message with its attachments: rows in one transaction, then the files. */
  async delete(id: number): Promise<void> {
    const { message, files } = await this.dataSource.transaction(async (manager) => {
      const message = await this.messages.lockById(id, manager);
      if (!message) throw new AppError(ErrorCode.NOT_FOUND, 'Message not found');
      const files = await this.attachments.detachAll({ kind: 'message', id }, manager);
      await this.messages.delete(id, manager);
      return { message, files };
    });
    await this.attachments.discardFiles(files);
    this.events.publish('message.deleted', { messageId: id, ticketId: message.ticketId });
  }

  private replay(existing: MessageRecord, ticketId: number): PostedMessage {
    if (existing.ticket_id !== ticketId) {
      throw new AppError(ErrorCode.CONFLICT, 'This client_msg_id was already used for another ticket', [{ field: 'client_msg_id' }]);
    }
    return { message: toMessageResponse(existing), created: false };
  }
}
