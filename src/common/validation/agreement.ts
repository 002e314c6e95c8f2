import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import type { FieldProblem } from '#src/common/validation/validation.pipe.js';

/** A field the server sets itself, as a client sent it, with the value the server would set. */
export interface OwnedField {
  field: string;
  /** What the client sent; undefined when it left the field out. */
  given: unknown;
  expected: unknown;
  /** What the field must be, for the problem text ("the caller's own id"). */
  must: string;
}

/** The fields sent with a value other than the server's, as problems naming each field. */
export function disagreements(fields: readonly OwnedField[]): FieldProblem[] {
  return fields
    .filter(({ given, expected }) => given !== undefined && given !== expected)
    .map(({ field, must }) => ({ field, problems: [`${field} is set by the server: leave it out or send ${must}`] }));
}

/**
 * Fields the server owns (a ticket's client_id, a message's author_id, ...) are accepted when they
 * agree with what the server sets, and refused with VALIDATION_FAILED naming each one otherwise.
 */
export function requireAgreement(fields: readonly OwnedField[]): void {
  const problems = disagreements(fields);
  if (problems.length > 0) throw disagreementError(problems);
}

/** The refusal of server-owned fields that disagree (`problems` as `disagreements` makes them, perhaps with more detail). */
export function disagreementError(problems: FieldProblem[]): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, 'Some fields disagree with what the server sets', problems);
}

/**
 * One value given under two names (a canonical one and an alias, `agent_id` and `assigned_to`):
 * whichever is present, or VALIDATION_FAILED naming the alias when both are present and differ.
 */
export function eitherName<T>(canonical: { field: string; value: T | undefined }, alias: { field: string; value: T | undefined }): T | undefined {
  if (canonical.value !== undefined && alias.value !== undefined && canonical.value !== alias.value) {
    const problem = `${alias.field} is another name for ${canonical.field}: send one, or both with the same value`;
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', [{ field: alias.field, problems: [problem] }]);
  }
  return canonical.value ?? alias.value;
}
