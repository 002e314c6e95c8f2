import type { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { fileTypeFromFile } from 'file-type';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { runExclusively } from '#src/common/database/advisory-lock.js';
import { JobLock } from '#src/common/database/advisory-locks.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { AppConfig } from '#src/config/app-config.js';
import type { AttachmentEntity } from '#src/modules/attachments/attachment.entity.js';
import { AttachmentStorage } from '#src/modules/attachments/attachment-storage.js';
import { AttachmentsRepository, type Parent } from '#src/modules/attachments/attachments.repository.js';
import { detectContentType, servedInline } from '#src/modules/attachments/domain/content-type.js';
import { cleanFilename } from '#src/modules/attachments/domain/filename.js';
import { type AttachmentResponseDto, toAttachmentResponse } from '#src/modules/attachments/dto/attachment.dto.js';
import type { TicketEntity } from '#src/modules/tickets/ticket.entity.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';

export type { Parent } from '#src/modules/attachments/attachments.repository.js';

/** One incoming file: its bytes as a stream and the name it came with (cleaned before storing). */
export interface IncomingFile {
  stream: Readable;
  filename: string | null | undefined;
  /** Aborted when the rest of the request fails: nothing may be stored after that. */
  signal?: AbortSignal;
}

/**
 * Where an upload's file comes from: called once access has been checked, it hands the file to
 * `store` and resolves with what `store` returned (HTTP multipart today, mail parts later).
 */
export type FileSource = <T>(store: (file: IncomingFile) => Promise<T>) => Promise<T>;

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

const notFound = (parent: Parent['kind'] | 'attachment') =>
  new AppError(ErrorCode.NOT_FOUND, `${parent === 'message' ? 'Message' : parent === 'note' ? 'Note' : 'Attachment'} not found`);

/**
 * Files on messages and notes. Access follows the parent: whoever may see the message may see
 * its files; notes and their files are for agents only. Everyone else gets 404.
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
  ) {}

  /** An upload by a signed-in user: access first, then the bytes. */
  async upload(actor: AuthUser, parent: Parent, source: FileSource): Promise<AttachmentResponseDto> {
    const ticket = await this.assertVisible(actor, parent);
    if (parent.kind === 'message' && ticket.status === 'closed') {
      throw new AppError(ErrorCode.CONFLICT, 'The ticket is closed; reopen it to add files to its messages');
    }
    // Checked again under a lock when storing; this saves receiving a file that cannot be kept.
    if ((await this.attachments.countByParent(parent)) >= this.config.uploadMaxFiles) throw this.tooManyFiles(parent);
    const stored = await source((file) => this.store({ ...file, parent, uploaderId: actor.id }));
    return toAttachmentResponse(stored);
  }

  /**
   * The one way bytes become an attachment (uploads, and mail attachments later): streams to a
   * temporary file while hashing, detects the type from the bytes, moves the file into place,
   * then writes the row. Until the row commits the file is not an attachment; if anything fails
   * the file is removed (and a crash leaves an orphan for the sweep, never a row without a file).
   */
  async store(input: IncomingFile & { parent: Parent; uploaderId: number | null }): Promise<AttachmentEntity> {
    const { uploadMaxBytes, uploadMaxFiles } = this.config;
    const received = await this.storage.receive(input.stream, uploadMaxBytes);
    if (received.tooLarge) {
      throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `A file may be at most ${uploadMaxBytes} bytes`, [{ field: 'file', problems: ['too large'] }]);
    }
    let key: string | null = null;
    try {
      // The whole file, not just its head: Office documents are ZIPs told apart by entries that
      // may sit far into the archive.
      const recognised = await fileTypeFromFile(received.tempPath);
      const contentType = detectContentType(recognised?.mime, received.head);
      input.signal?.throwIfAborted();
      key = await this.storage.keep(received.tempPath);
      const storageKey = key;
      return await this.db.transaction(async (manager) => {
        const count = await this.attachments.lockParentAndCount(input.parent, manager);
        if (count === null) throw notFound(input.parent.kind);
        if (count >= uploadMaxFiles) throw this.tooManyFiles(input.parent);
        input.signal?.throwIfAborted();
        return this.attachments.insert(
          {
            messageId: input.parent.kind === 'message' ? input.parent.id : null,
            noteId: input.parent.kind === 'note' ? input.parent.id : null,
            uploaderId: input.uploaderId,
            filename: cleanFilename(input.filename),
            contentType,
            size: received.size,
            sha256: received.sha256,
            storageKey,
          },
          manager,
        );
      });
    } catch (error) {
      if (key) await this.storage.remove([key]);
      else await this.storage.discardTemp(received.tempPath);
      throw error;
    }
  }

  async list(actor: AuthUser, parent: Parent, query: PaginationQueryDto): Promise<Page<AttachmentResponseDto>> {
    await this.assertVisible(actor, parent);
    const limit = query.limit ?? 20;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await this.attachments.listByParent(parent, afterId, limit), limit, toAttachmentResponse, (a) => [a.id]);
  }

  /** A file the caller may see, ready to send. */
  async download(actor: AuthUser, id: number): Promise<AttachmentDownload> {
    const attachment = await this.attachments.findById(id);
    if (!attachment) throw notFound('attachment');
    const parent: Parent = attachment.messageId !== null ? { kind: 'message', id: attachment.messageId } : { kind: 'note', id: attachment.noteId! };
    try {
      await this.assertVisible(actor, parent);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) throw notFound('attachment');
      throw error;
    }
    return {
      path: this.storage.pathOf(attachment.storageKey),
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      inline: servedInline(attachment.contentType, attachment.filename),
      attachmentId: attachment.id,
    };
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

  private tooManyFiles(parent: Parent): AppError {
    return new AppError(ErrorCode.CONFLICT, `A ${parent.kind} may carry at most ${this.config.uploadMaxFiles} files`);
  }

  /** The parent's ticket when the caller may see the parent; 404 otherwise. */
  private async assertVisible(actor: AuthUser, parent: Parent): Promise<TicketEntity> {
    if (parent.kind === 'note' && !isAgent(actor)) throw notFound('note');
    const ticketId = await this.attachments.findParentTicketId(parent);
    if (ticketId === null) throw notFound(parent.kind);
    try {
      return await this.tickets.getVisible(actor, ticketId);
    } catch (error) {
      if (error instanceof AppError && error.code === ErrorCode.NOT_FOUND) throw notFound(parent.kind);
      throw error;
    }
  }
}
