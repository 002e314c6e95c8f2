import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { rejectBadPayload } from '#src/common/validation/payload-walk.js';
import { cacheValidationRules } from '#src/common/validation/rule-cache.js';
import { flattenValidationErrors } from '#src/common/validation/validation.pipe.js';

cacheValidationRules();

/**
 * The HTTP ValidationPipe's rules for payloads that do not come through HTTP (Socket.IO events):
 * a JSON object, unknown fields and the payload walk's faults (depth, NUL, lone surrogates, prototype keys) refused, every problem reported as VALIDATION_FAILED.
 */
export async function validatePayload<T extends object>(cls: new () => T, payload: unknown): Promise<T> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The payload must be a JSON object');
  }
  rejectBadPayload(payload);
  const instance = plainToInstance(cls, payload);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', flattenValidationErrors(errors));
  return instance;
}
