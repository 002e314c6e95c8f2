import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import type { FileSource, IncomingFile } from '#src/modules/attachments/attachments.service.js';

/** Room for multipart boundaries and part headers above the file itself. */
const MULTIPART_SLACK = 64 * 1024;
const FIELD = 'file';

const tooLarge = (maxBytes: number) =>
  // Refused on its Content-Length alone, before reading the body: close rather than read it all.
  new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `A file may be at most ${maxBytes} bytes`, [{ field: FIELD, problems: ['too large'] }], { Connection: 'close' });

/**
 * The file in the multipart field `file` of an HTTP request, streamed (busboy) straight into
 * whatever stores it. One file per request; other parts are read and ignored.
 */
export function multipartFile(req: Request, maxBytes: number): FileSource {
  return <T>(store: (file: IncomingFile) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
        return reject(new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Send the file as multipart/form-data in the field "${FIELD}"`));
      }
      const declaredLength = Number(req.headers['content-length']);
      if (Number.isFinite(declaredLength) && declaredLength > maxBytes + MULTIPART_SLACK) return reject(tooLarge(maxBytes));

      let parser: busboy.Busboy;
      try {
        // fileSize one over the limit, so the storage sees the excess and answers 413.
        parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes + 1, fields: 20, fieldSize: 4096, parts: 30 } });
      } catch {
        return reject(new AppError(ErrorCode.BAD_REQUEST, 'The multipart body has no valid boundary'));
      }
      const drain = () => {
        req.unpipe(parser);
        req.resume();
      };
      let stored: Promise<T> | null = null;
      parser.on('file', (name, stream, info) => {
        if (name !== FIELD || stored) return void stream.resume();
        stored = store({ stream, filename: info.filename });
        // A failure while the body is still arriving answers at once; the rest is read and dropped.
        stored.catch((error: unknown) => {
          stream.resume();
          drain();
          reject(error);
        });
      });
      parser.on('error', () => {
        drain();
        reject(new AppError(ErrorCode.BAD_REQUEST, 'The multipart body is malformed'));
      });
      parser.on('close', () => {
        if (!stored) {
          return reject(new AppError(ErrorCode.VALIDATION_FAILED, `The multipart field "${FIELD}" with a file is required`, [{ field: FIELD, problems: ['required'] }]));
        }
        stored.then(resolve, reject);
      });
      // A client that hangs up mid-upload: fail the file stream, so the partial file is removed.
      req.on('close', () => {
        if (!req.complete) parser.destroy(new AppError(ErrorCode.BAD_REQUEST, 'The upload was cut off'));
      });
      req.pipe(parser);
    });
}
