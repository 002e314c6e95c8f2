import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import type { FileSource, IncomingFile } from '#src/modules/attachments/attachments.service.js';

/** Room for multipart boundaries and part headers above the file itself. */
const MULTIPART_SLACK = 64 * 1024;
const FIELD = 'file';

/** Errors after which the rest of the body is not worth reading: answer, then close the connection. */
const CLOSE = { Connection: 'close' };

const tooLarge = (maxBytes: number) =>
  new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `A file may be at most ${maxBytes} bytes`, [{ field: FIELD, problems: ['too large'] }], CLOSE);
const cutOff = () => new AppError(ErrorCode.BAD_REQUEST, 'The upload was cut off', [], CLOSE);

/**
 * The file in the multipart field `file` of an HTTP request, streamed (busboy) straight into
 * whatever stores it. One file per request; other parts are ignored. The request is answered only
 * once the store has settled, so an answer never contradicts what was stored: a body that breaks
 * after the file arrived aborts the store before its row commits.
 */
export function multipartFile(req: Request, maxBytes: number): FileSource {
  return <T>(store: (file: IncomingFile) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
        return reject(new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Send the file as multipart/form-data in the field "${FIELD}"`));
      }
      const declaredLength = Number(req.headers['content-length']);
      // Refused on its Content-Length alone, before reading the body.
      if (Number.isFinite(declaredLength) && declaredLength > maxBytes + MULTIPART_SLACK) return reject(tooLarge(maxBytes));
      // The client may have hung up while access was being checked.
      if (req.destroyed && !req.complete) return reject(cutOff());

      let parser: busboy.Busboy;
      try {
        // busboy signals 'limit' on reaching fileSize, so one byte over ours means "too large".
        parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes + 1, fields: 20, fieldSize: 4096, parts: 30 } });
      } catch {
        return reject(new AppError(ErrorCode.BAD_REQUEST, 'The multipart body has no valid boundary'));
      }
      const abort = new AbortController();
      let stored: Promise<T> | null = null;
      /** Stops reading; the store (if any) is aborted and decides the answer once it settles. */
      const fail = (error: AppError) => {
        req.unpipe(parser);
        abort.abort(error);
        if (stored) stored.then(resolve, reject);
        else reject(error);
      };
      parser.on('file', (name, stream, info) => {
        if (name !== FIELD || stored) return void stream.resume();
        stream.on('limit', () => {
          const error = tooLarge(maxBytes);
          fail(error);
          // Fails the file stream, so the partial file is removed (after busboy's own handler returns).
          process.nextTick(() => parser.destroy(error));
        });
        stored = store({ stream, filename: info.filename, signal: abort.signal });
        // A store that fails while the body is still arriving answers at once.
        stored.catch((error: unknown) => {
          req.unpipe(parser);
          reject(error);
        });
      });
      parser.on('error', (error: unknown) => fail(error instanceof AppError ? error : new AppError(ErrorCode.BAD_REQUEST, 'The multipart body is malformed', [], CLOSE)));
      parser.on('close', () => {
        if (!stored) {
          return reject(new AppError(ErrorCode.VALIDATION_FAILED, `The multipart field "${FIELD}" with a file is required`, [{ field: FIELD, problems: ['required'] }]));
        }
        stored.then(resolve, reject);
      });
      // A client that hangs up mid-upload: fail the file stream, so the partial file is removed.
      req.on('close', () => {
        if (!req.complete) parser.destroy(cutOff());
      });
      req.pipe(parser);
    });
}
