import { QueryFailedError } from 'typeorm';

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

/** The SQLSTATE of a failed query, or null for anything else. */
export function pgErrorCode(error: unknown): string | null {
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : null;
  }
  return null;
}
