import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import multer, { MulterError, type StorageEngine } from 'multer';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { closeAfterDraining, isMultipart } from '#src/common/http/lingering-close.js';
import { AppConfig } from '#src/config/app-config.js';
import { AttachmentStorage, fileTooLarge, type StoredFile } from '#src/modules/attachments/attachment-storage.js';
import type { ReceivedFile } from '#src/modules/attachments/attachments.service.js';

const FIELD = 'file';
/** Room for multipart boundaries and part headers above the file itself. */
const MULTIPART_SLACK = 64 * 1024;

const FILE_REQUIRED = { field: FIELD, problems: ['required'] };
const fileRequired = () => new AppError(ErrorCode.VALIDATION_FAILED, `The multipart field "${FIELD}" with a file is required`, [FILE_REQUIRED]);

/**
 * Fields other than `file` are refused, as unknown fields of a JSON body are: 422 naming each
 * (with the problem text JSON bodies get), and `file` too when no file had come by then.
 */
const unknownFields = (names: string[], fileMissing: boolean) =>
  new AppError(ErrorCode.VALIDATION_FAILED, `An upload takes one file in the multipart field "${FIELD}" and no other field`, [
    ...names.map((name) => ({ field: name, problems: [`property ${name} should not exist`] })),
    ...(fileMissing ? [FILE_REQUIRED] : []),
  ]);

/** The text fields multer collected (by their top-level name) that an upload does not take. */
const textFieldsOf = (body: UploadBody): string[] => Object.keys(body.body ?? {}).filter((name) => name !== FIELD);
const cutOff = () => new AppError(ErrorCode.BAD_REQUEST, 'The upload was cut off');

/**
 * The request body as multer sees it: a stream fed from the request, so that we, not multer,
 * decide how much of a refused body is read (see the stream handler below).
 */
interface UploadBody extends PassThrough {
  headers: IncomingHttpHeaders;
  /** The text fields so far, set by multer. */
  body?: Record<string, unknown>;
  /** Set by multer once the file is stored. */
  file?: Express.Multer.File & StoredFile;
  /** The storage engine's work on the file, so the answer can wait until it has settled. */
  storing?: Promise<unknown>;
}

/** multer's storage engine: a file goes through AttachmentStorage.accept, and out again if the request fails. */
class AttachmentStorageEngine implements StorageEngine {
  constructor(
    private readonly storage: AttachmentStorage,
    private readonly maxBytes: number,
  ) {}

  _handleFile(req: Request, file: Express.Multer.File, done: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const storing = this.storage.accept(file.stream, this.maxBytes, file.mimetype);
    (req as unknown as UploadBody).storing = storing;
    storing.then((stored) => done(null, stored), done);
  }

  _removeFile(_req: Request, file: Express.Multer.File & Partial<StoredFile>, done: (error: Error | null) => void): void {
    void this.storage.remove(file.key ? [file.key] : []).then(() => done(null));
  }
}

/**
 * Uploads over HTTP: the file in the multipart field `file` (one file per request), parsed by
 * multer and streamed by its storage engine into AttachmentStorage. Called by the service only
 * once access has been checked, so nothing is read for a request that will be refused.
 */
@Injectable()
export class MultipartUpload {
  private readonly maxBytes: number;
  private readonly parse: RequestHandler;

  constructor(
    private readonly storage: AttachmentStorage,
    config: AppConfig,
  ) {
    this.maxBytes = config.uploadMaxBytes;
    const options: multer.Options & { streamHandler: (body: UploadBody, parser: Writable) => void } = {
      storage: new AttachmentStorageEngine(storage, this.maxBytes),
      // No fileSize here: the storage engine's meter fails the file at the first byte over the
      // limit (413), where multer's limit would cut the file at the limit, store it, then remove it.
      limits: { files: 1, fields: 20, fieldSize: 4096, parts: 30 },
      // A text field before the file refuses the upload before a byte of the file is read; one
      // after it is caught once the body is parsed (receive), and the stored file removed.
      fileFilter: (body, _file, accept) => {
        const unknown = textFieldsOf(body as unknown as UploadBody);
        if (unknown.length > 0) accept(unknownFields(unknown, false));
        else accept(null, true);
      },
      // The name as sent, in UTF-8 and with any folders: cleanFilename keeps the last segment (and
      // turns "..", which multer would otherwise take for "no file", into a usable name).
      defParamCharset: 'utf8',
      preservePath: true,
      // When multer stops parsing (an error, or the end), it stops reading; on an error it would
      // otherwise read the rest of the request, however long, before answering. Ending the body
      // here makes it answer at once, and closeAfterDraining bounds what is read after that.
      streamHandler: (body, parser) => {
        parser.once('unpipe', () => body.destroy());
        body.pipe(parser);
      },
    };
    this.parse = multer(options).single(FIELD);
  }

  /**
   * Receives the file of `req` into storage. Settles only once the file is stored, or removed
   * with whatever else was received, so the answer never contradicts what was kept. A refusal
   * while the body is still arriving answers with `Connection: close` and a bounded drain.
   */
  receive(req: Request, res: Response): Promise<ReceivedFile> {
    if (!isMultipart(req)) {
      return Promise.reject(new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Send the file as multipart/form-data in the field "${FIELD}"`));
    }
    // Refused on its Content-Length alone, before reading the body.
    if (Number(req.headers['content-length']) > this.maxBytes + MULTIPART_SLACK) return Promise.reject(this.refuse(req, res, fileTooLarge(this.maxBytes)));
    // The client may have hung up while access was being checked.
    if (req.destroyed && !req.complete) return Promise.reject(cutOff());

    return new Promise((resolve, reject) => {
      const body = Object.assign(new PassThrough(), { headers: req.headers }) as UploadBody;
      // A client that hangs up mid-upload: multer fails the file, so the partial file is removed.
      const hungUp = () => {
        if (!req.complete) body.destroy(cutOff());
      };
      req.once('close', hungUp);
      req.pipe(body);
      this.parse(body as unknown as Request, res, (error?: unknown) => {
        req.off('close', hungUp);
        req.unpipe(body);
        body.destroy();
        void Promise.allSettled([body.storing]).then(async () => {
          if (error) return reject(this.refuse(req, res, this.toAppError(error, body)));
          req.resume(); // anything after the final boundary
          const unknown = textFieldsOf(body);
          if (unknown.length > 0) {
            // The file came first and is stored by now: it goes before the refusal is answered.
            if (body.file) await this.storage.remove([body.file.key]);
            return reject(unknownFields(unknown, !body.file));
          }
          if (!body.file) return reject(fileRequired());
          const { key, size, sha256, contentType, originalname } = body.file;
          resolve({ key, size, sha256, contentType, filename: originalname });
        });
      });
    });
  }

  /** A refusal of a body that is still arriving: answered with `Connection: close`, then drained (bounded). */
  private refuse(req: Request, res: Response, error: unknown): unknown {
    if (!req.complete) closeAfterDraining(req, res, this.maxBytes);
    return error;
  }

  private toAppError(error: unknown, body: UploadBody): unknown {
    if (error instanceof AppError) return error;
    if (error instanceof MulterError) {
      // A file in a field other than `file`: an unknown field too (with the text fields before it).
      if (error.code === 'LIMIT_UNEXPECTED_FILE') return unknownFields([...new Set([...textFieldsOf(body), error.field ?? ''])], !body.storing);
      return new AppError(ErrorCode.BAD_REQUEST, `The multipart body is not accepted: ${error.message}`);
    }
    // A storage fault (a full disk, say) stays a logged 500; anything else is the body's fault.
    if (error instanceof Error && 'syscall' in error) return error;
    return new AppError(ErrorCode.BAD_REQUEST, 'The multipart body is malformed');
  }
}
