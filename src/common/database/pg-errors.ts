import { QueryFailedError } from 'typeorm';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
/** PostgreSQL 18 reports a blocked `ON DELETE RESTRICT` with this code instead of 23503. */
export const PG_RESTRICT_VIOLATION = '23001';

/** The SQLSTATE of a failed query, or null for anything else. */
export function pgErrorCode(error: unknown): string | null {
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : null;
  }
  return null;
}

/**
 * Whether a query failed on a foreign key: a row that names a missing one, or a delete of a row
 * still referenced (23503, or 23001 for RESTRICT on PostgreSQL 18).
 */
export function isReferenceViolation(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === PG_FOREIGN_KEY_VIOLATION || code === PG_RESTRICT_VIOLATION;
}

/** The name of the constraint a failed query violated, or null. */
export function pgConstraint(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const constraint = (error.driverError as { constraint?: unknown } | undefined)?.constraint;
  return typeof constraint === 'string' ? constraint : null;
}

/** A unique violation as a 409 (`message`, `details` naming the field taken); any other error as it was. */
export function conflictOnUnique(error: unknown, message: string, details: Record<string, unknown>[]): unknown {
  return pgErrorCode(error) === PG_UNIQUE_VIOLATION ? new AppError(ErrorCode.CONFLICT, message, details) : error;
}
