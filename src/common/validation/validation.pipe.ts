import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Flattens class-validator's tree into `{field: "a.b", problems: [...]}` rows. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * The path of the first string holding a NUL character, or null. PostgreSQL cannot store U+0000
 * in text, so such input is refused up front as a validation problem instead of failing in SQL.
 */
export function findNulCharacter(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'value' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = findNulCharacter(child, path ? `${path}.${key}` : key);
    if (found !== null) return found;
  }
  return null;
}

/** Throws VALIDATION_FAILED naming the field when a payload carries a NUL character. */
export function rejectNulCharacters(value: unknown): void {
  const field = findNulCharacter(value);
  if (field !== null) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', [{ field, problems: [`${field} must not contain NUL characters`] }]);
  }
}

class AppValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') rejectNulCharacters(value);
    return super.transform(value, metadata);
  }
}

/** Global pipe: unknown fields and NUL characters rejected, types converted, problems as 422 in the error shape. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', flattenValidationErrors(errors)),
  });
}
