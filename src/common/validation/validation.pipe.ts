import { ValidationPipe, type ValidationError } from '@nestjs/common';
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

/** Global pipe: unknown fields rejected, types converted, problems as 422 in the error shape. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', flattenValidationErrors(errors)),
  });
}
