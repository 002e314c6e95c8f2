import { type PipeTransform, Injectable, Param } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DECIMAL_INT, MAX_INT4 as MAX_ID } from '#src/common/validation/limits.js';

/** A positive 32-bit integer id in decimal digits only (not "0x10", "1e3", " 1" or "01"), else 422 in the error shape (never a database error). */
export function parseId(value: unknown, field = 'id'): number {
  const text = typeof value === 'string' ? value : '';
  if (!DECIMAL_INT.test(text) || Number(text) < 1 || Number(text) > MAX_ID) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `${field} must be a positive integer`, [
      { field, problems: [`${field} must be a positive integer`] },
    ]);
  }
  return Number(text);
}

@Injectable()
export class IdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    return parseId(value);
  }
}

/** `@IdParam() id: number` reads and checks the `:id` route parameter. */
export const IdParam = (name = 'id') => Param(name, IdPipe);
