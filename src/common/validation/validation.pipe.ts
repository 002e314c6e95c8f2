import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { rejectBadPayload } from '#src/common/validation/payload-walk.js';
import { cacheValidationRules } from '#src/common/validation/rule-cache.js';

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

class AppValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') rejectBadPayload(value);
    // Route parameters stay the strings they came as: their own pipe (IdPipe) parses them strictly,
    // where this pipe's conversion to the declared `number` would read "0x10" as 16 and "1e3" as 1000.
    if (metadata.type === 'param') return Promise.resolve(value);
    return super.transform(value, metadata);
  }
}

/** Global pipe: unknown fields and the payload walk's faults (depth, NUL, lone surrogates, prototype keys) rejected, types converted, problems as 422 in the error shape. */
export function createValidationPipe(): ValidationPipe {
  cacheValidationRules();
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
