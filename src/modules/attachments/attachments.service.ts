import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { runExclusively } from '#src/common/database/advisory-lock.js';
import { JobLock } from '#src/common/database/advisory-locks.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { AppConfig } from '#src/config/app-config.js';
import type { AttachmentEntity } from '#src/modules/attachments/attachment.entity.js';
import { AttachmentStorage, type StoredFile } from '#src/modules/attachments/attachment-storage.js';
import { AttachmentsRepository, type Parent, parentOf } from '#src/modules/attachments/attachments.repository.js';
import { servedInline } from '#src/modules/attachments/domain/content-type.js';
import { cleanFilename } from '#src/modules/attachments/domain/filename.js';
import { type AttachmentResponseDto, toAttachmentResponse } from '#src/modules/attachments/dto/attachment.dto.js';
import type { TicketEntity } from '#src/modules/tickets/ticket.entity.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import type {} from '#src/modules/attachments/attachments.events.js'; // DomainEvents entries (types only)

export type { Parent } from '#src/modules/attachments/attachments.repository.js';

/** A file in storage, not yet attached to anything, with the name it came with. */
export interface ReceivedFile extends StoredFile {
  filename: string | null | undefined;
}

/**
 * Where an upload's file comes from (an HTTP multipart body): called once access has been checked,
 * it resolves when the file is in storage, or rejects once whatever it received is removed.
 */
export type FileSource = () => Promise<ReceivedFile>;

/** What a download needs to send a stored file. */
export interface AttachmentDownload {
  path: string;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
  attachmentId: number;
}

const SWEEP_BATCH = 500;

const NOUN: Record<Parent['kind'] | 'attachment', string> = { message: 'Message', note: 'Note', ticket: 'Ticket', attachment: 'Attachment' };
const notFound = (parent: Parent['kind'] | 'attachment') => new AppError(ErrorCode.NOT_FOUND, `${NOUN[parent]} not found`);

const closedTicket = () => new AppError(ErrorCode.CONFLICT, 'The ticket is closed; reopen it to change its files');

/**
 * Files on messages, notes and tickets. Access follows the parent: whoever may see the message or
 * the ticket (its client, agents) may see its files; notes and their files are for agents only.
 * Everyone else gets 404.
 */
@Injectable()
export class AttachmentsService {
  private readonly logger = new Logger(AttachmentsService.name);

  constructor(
    private readonly db: DataSource,
    private readonly attachments: AttachmentsRepository,
    private readonly storage: AttachmentStorage,
    private readonly tickets: TicketsService,
    private readonly config: AppConfig,
    private readonly events: DomainEventPublisher,
  ) {}

  /**
   * An upload by a signed-in user: access first, then the bytes. A client who may see a message
   * but did not write it (an agent's reply, the bot's) gets 403: files go on one's own messages.
   * A ticket takes files from whoever may see it. A closed ticket takes none (on its messages either).
   *
   * `forMessage` (a ticket only): the file is for a message about to be sent, which claims it
   * through `attachment_ids`. Until then it is its uploader's alone: not among the ticket's files,
   * announced to nobody, and removed when no message claims it (`removeUnclaimed`).
   */
  async upload(actor: AuthUser, parent: Parent, source: FileSource, { forMessage = false }: { forMessage?: boolean } = {}): Promise<AttachmentResponseDto> {
    const { ticket, authorId } = await this.assertVisible(actor, parent);
    if (!isAgent(actor) && authorId !== actor.id) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Only the author of a message (or an agent) may attach files to it');
    }
    if (parent.kind !== 'note' && ticket.status === 'closed') throw closedTicket();
    const pendingOf = forMessage ? actor.id : null;
    // Checked again under a lock when attaching; this saves receiving a file that cannot be kept.
    const count = pendingOf === null ? await this.attachments.countByParent(parent) : await this.attachments.countPending(parent.id, pendingOf);
    if (count >= this.config.uploadMaxFiles) throw this.tooManyFiles(parent, pendingOf);
    const attachment = toAttachmentResponse(await this.attach(await source(), parent, actor.id, pendingOf));
    // Live for those in the ticket's room (`attachment:new`); a note's file is for agents, who read the
    // note; a file for a message is told of with the message that claims it (`announceClaimed`).
    if (parent.kind !== 'note' && !forMessage) this.events.publish('attachment.created', { ticketId: ticket.id, attachment });
    return attachment;
  }

  /**
   * Writes the row of a file already in storage. Until the row commits the file is not an
   * attachment; if anything fails the file is removed (and a crash leaves an orphan for the sweep,
   * never a row without a file). `pendingOf`: the uploader of a file waiting for a message.
   */
  private async attach(file: ReceivedFile, parent: Parent, uploaderId: number | null, pendingOf: number | null): Promise<AttachmentEntity> {
    try {
      return await this.db.transaction(async (manager) => {
        const count = await this.attachments.lockParentAndCount(parent, manager, pendingOf);
        if (count === null) throw notFound(parent.kind);
        if (count >= this.config.uploadMaxFiles) throw this.tooManyFiles(parent, pendingOf);
        const [row] = await this.attachStored(manager, [file], parent, uploaderId, { pending: pendingOf !== null });
        return row!;
      });
    } catch (error) {
      await this.storage.remove([file.key]);
      throw error;
    }
  }

  /**
   * Puts bytes that arrived some other way than an upload (a mail's attachments) into storage, with
   * the uploads' size rule and type detection (`declaredType`: the type the sender gave, kept where
   * an upload's would be). Null when over the size limit. Attach the result in a transaction with
   * `attachStored`, or drop it with `discardFiles`.
   */
  async storeBytes(content: Buffer, filename: string | null, declaredType?: string): Promise<ReceivedFile | null> {
    if (content.length > this.config.uploadMaxBytes) return null;
    return { ...(await this.storage.accept(Readable.from([content]), this.config.uploadMaxBytes, declaredType)), filename };
  }

  /**
   * Puts files the author uploaded to the ticket (ticket files, or uploads made for this message)
   * under the author's new message, in the message's transaction (so a message that tells of a file
   * never stands without it, and a refused upload leaves no message): a 422 naming `attachment_ids`
   * when any is not the author's file on that ticket, or is on a message already, or the message
   * would hold more than UPLOAD_MAX_FILES. Returns the uploads that were waiting for a message, now
   * under it: `announceClaimed` tells the room of them once the message is committed.
   */
  async moveToMessage(manager: EntityManager, ids: number[], message: { id: number; ticketId: number; authorId: number }): Promise<AttachmentResponseDto[]> {
    const wrong = (problem: string) => new AppError(ErrorCode.VALIDATION_FAILED, 'Some of the files cannot go on this message', [{ field: 'attachment_ids', problems: [problem] }]);
    if (ids.length > this.config.uploadMaxFiles) throw wrong(`at most ${this.config.uploadMaxFiles} files go on one message`);
    const moved = await this.attachments.moveTicketFilesToMessage(ids, message.ticketId, message.authorId, message.id, manager);
    if (moved.length < ids.length) throw wrong('attachment_ids must be files you uploaded to this ticket and not yet on a message');
    const claimed = moved.filter((file) => file.wasPending).map((file) => file.id);
    return claimed.length === 0 ? [] : (await this.attachments.findByIds(claimed, manager)).map(toAttachmentResponse);
  }

  /**
   * After the message that claimed them committed: uploads made for it are news for the ticket's
   * room now, as a file uploaded onto the message would be (`attachment:new` with its `message_id`).
   * Files that were already the ticket's were told of when they were uploaded.
   */
  announceClaimed(ticketId: number, attachments: AttachmentResponseDto[]): void {
    for (const attachment of attachments) this.events.publish('attachment.created', { ticketId, attachment });
  }

  /**
   * After the commit that stored them: files that came some other way than an upload (a mail's) are
   * news for the ticket's room, as an upload is (`attachment:new`).
   */
  announceStored(ticketId: number, rows: AttachmentEntity[]): void {
    this.announceClaimed(ticketId, rows.map(toAttachmentResponse));
  }

  /** Rows for files already in storage, on a parent written in the same transaction (`pending`: waiting on a ticket for a message). */
  async attachStored(manager: EntityManager, files: ReceivedFile[], parent: Parent, uploaderId: number | null, { pending = false } = {}): Promise<AttachmentEntity[]> {
    const rows: AttachmentEntity[] = [];
    for (const file of files) {
      rows.push(
        await this.attachments.insert(
          {
            messageId: parent.kind === 'message' ? parent.id : null,
            noteId: parent.kind === 'note' ? parent.id : null,
            ticketId: parent.kind === 'ticket' ? parent.id : null,
            uploaderId,
            pending,
            filename: cleanFilename(file.filename),
            contentType: file.contentType,
            size: file.size,
            sha256: file.sha256,
            storageKey: file.key,
          },
          manager,
        ),
      );
    }
    return rows;
  }

  async list(actor: AuthUser, parent: Parent, query: PaginationQueryDto): Promise<Page<AttachmentResponseDto>> {
    await this.assertVisible(actor, parent);
    return this.page(query, (afterId, limit) => this.attachments.listByParent(parent, afterId, limit));
  }

  /** The files on the messages of a ticket the caller may see (each names its `message_id`), by id. */
  async listOnMessages(actor: AuthUser, ticketId: number, query: PaginationQueryDto): Promise<Page<AttachmentResponseDto>> {
    await this.tickets.getVisible(actor, ticketId);
    return this.page(query, (afterId, limit) => this.attachments.listOnTicketMessages(ticketId, afterId, limit));
  }

  /** One page of files by id: `read` gives `limit + 1` rows after the cursor's id. */
  private async page(query: PaginationQueryDto, read: (afterId: number | undefined, limit: number) => Promise<AttachmentEntity[]>): Promise<Page<AttachmentResponseDto>> {
    const limit = query.limit ?? 20;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await read(afterId, limit), limit, toAttachmentResponse, (a) => [a.id]);
  }

  /** A file the caller may see, ready to send. */
  async download(actor: AuthUser, id: number): Promise<AttachmentDownload> {
    const { attachment } = await this.findVisible(actor, id);
    return {
      path: this.storage.pathOf(attachment.storageKey),
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      inline: servedInline(attachment.contentType, attachment.filename),
      attachmentId: attachment.id,
    };
  }

  /**
   * Deletes one file: its uploader or an agent. A client who may see it but did not upload it gets
   * 403, one who may not see it 404; a client's own file on a closed ticket stays (409), but for one
   * uploaded for a message that was never sent. The row goes first; the file after that commit, so
   * a failure in between leaves an orphan for the sweep, never a row without its file.
   */
  async delete(actor: AuthUser, id: number): Promise<void> {
    const { attachment, ticket } = await this.findVisible(actor, id);
    if (!isAgent(actor)) {
      if (attachment.uploaderId !== actor.id) throw new AppError(ErrorCode.FORBIDDEN, 'Only the uploader of a file (or an agent) may delete it');
      // A file still waiting for a message is no part of the closed ticket's record: it may go.
      if (ticket.status === 'closed' && !attachment.pending) throw closedTicket();
    }
    const key = await this.attachments.deleteById(id);
    if (key === null) throw notFound('attachment');
    await this.storage.remove([key]);
  }

  /** The row exists but its file does not: a 404 for the caller and an error for operators. */
  fileMissing(download: AttachmentDownload): AppError {
    this.logger.error({ attachmentId: download.attachmentId }, 'Attachment file is missing from storage');
    return notFound('attachment');
  }

  /**
   * For the owner of a message or note that is being deleted: removes its attachment rows in the
   * caller's transaction and returns the storage keys, to hand to `discardFiles` after the commit.
   */
  detachAll(parent: Parent, manager: EntityManager): Promise<string[]> {
    return this.attachments.deleteByParent(parent, manager);
  }

  /** Removes the files of rows that are gone (after the commit that removed them). */
  discardFiles(keys: string[]): Promise<void> {
    return this.storage.remove(keys);
  }

  /**
   * Removes files that have no row: left by a crash between writing a file and its row, or between
   * deleting rows and their files. Files younger than the grace period may belong to an upload in
   * flight and stay. One instance at a time; null when another instance is sweeping.
   */
  async sweepOrphans(now: Date): Promise<{ removed: number; tempRemoved: number } | null> {
    const before = new Date(now.getTime() - this.config.uploadOrphanGraceMinutes * 60_000);
    return runExclusively(this.db, JobLock.ATTACHMENTS_ORPHAN_SWEEP, async (manager) => {
      let removed = 0;
      let batch: string[] = [];
      const sweep = async () => {
        const existing = await this.attachments.existingKeys(batch, manager);
        const orphans = batch.filter((key) => !existing.has(key));
        await this.storage.remove(orphans);
        removed += orphans.length;
        batch = [];
      };
      for await (const file of this.storage.listStored()) {
        if (file.modifiedAt >= before) continue;
        batch.push(file.key);
        if (batch.length >= SWEEP_BATCH) await sweep();
      }
      await sweep();
      const tempRemoved = await this.storage.removeStaleTemp(before);
      return { removed, tempRemoved };
    });
  }

  /**
   * Removes uploads made for a message that no message claimed within UPLOAD_PENDING_TTL_MINUTES,
   * rows then files, in batches of short transactions. No job lock: rows are taken with SKIP LOCKED,
   * so instances running it at once share the work and a message being sent keeps its file. A file
   * left by a failure between the two is an orphan for `sweepOrphans`. How many were removed.
   */
  async removeUnclaimed(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.uploadPendingTtlMinutes * 60_000);
    let removed = 0;
    for (;;) {
      const keys = await this.attachments.deleteUnclaimed(before, SWEEP_BATCH);
      await this.storage.remove(keys);
      removed += keys.length;
      if (keys.length < SWEEP_BATCH) return removed;
    }
  }

  private tooManyFiles(parent: Parent, pendingOf: number | null): AppError {
    if (pendingOf !== null) {
      return new AppError(ErrorCode.CONFLICT, `At most ${this.config.uploadMaxFiles} of your files may wait for a message on a ticket: send them, or delete those you no longer want`);
    }
    return new AppError(ErrorCode.CONFLICT, `A ${parent.kind} may carry at most ${this.config.uploadMaxFiles} files`);
  }

  /** An attachment and its parent's ticket when the caller may see them; 404 otherwise. */
  private async findVisible(actor: AuthUser, id: number): Promise<{ attachment: AttachmentEntity; ticket: TicketEntity }> {
    const attachment = await this.attachments.findById(id);
    // An upload waiting for a message is its uploader's alone until a message claims it.
    if (!attachment || (attachment.pending && attachment.uploaderId !== actor.id)) throw notFound('attachment');
    try {
      return { attachment, ticket: (await this.assertVisible(actor, parentOf(attachment))).ticket };
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) throw notFound('attachment');
      throw error;
    }
  }

  /** The parent's ticket and author (a ticket's: its client) when the caller may see the parent; 404 otherwise. */
  private async assertVisible(actor: AuthUser, parent: Parent): Promise<{ ticket: TicketEntity; authorId: number | null }> {
    if (parent.kind === 'note' && !isAgent(actor)) throw notFound('note');
    if (parent.kind === 'ticket') {
      const ticket = await this.tickets.getVisible(actor, parent.id);
      return { ticket, authorId: ticket.clientId };
    }
    const found = await this.attachments.findParent(parent);
    if (found === null) throw notFound(parent.kind);
    try {
      return { ticket: await this.tickets.getVisible(actor, found.ticketId), authorId: found.authorId };
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) throw notFound(parent.kind);
      throw error;
    }
  }
}
