import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { QueryInt } from '#src/common/validation/transforms.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export class PaginationQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'The next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export class PageMetaDto {
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' })
  next_cursor: string | null;
}

/**
 * A list answered whole (a fixed top 3, the tickets one bulk change touched): still the contract's
 * list shape, so a client reads every list alike, with `next_cursor` always null.
 */
export class WholeListDto {
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Always null: the whole list is in this answer' })
  next_cursor: null;
}

/** The list shape for a list answered whole: no next page. */
export function wholeList<T>(items: T[]): Page<T> & { next_cursor: null } {
  return { items, next_cursor: null };
}

/** A keyset cursor: the sort key of the last row, opaque to clients. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The 422 for a cursor this list did not give out (also for lists with cursors of their own). */
export function invalidCursor(): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, 'The cursor is not valid', [
    { field: 'cursor', problems: ['cursor must be a next_cursor returned by this list'] },
  ]);
}

const UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?Z$/;

/**
 * An ISO-8601 UTC timestamp with up to microseconds that names a real instant: Date.parse rolls
 * 2024-02-30 over to March, which PostgreSQL refuses, so the seconds part must round-trip.
 */
function isUtcTimestamp(value: string): boolean {
  const match = UTC_TIMESTAMP.exec(value);
  if (!match) return false;
  const time = Date.parse(`${match[1]}Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === match[1];
}

/**
 * Decodes a cursor and checks each part against the expected kinds, so a tampered cursor is a
 * 422 and never reaches SQL.
 */
export function decodeCursor(cursor: string, kinds: ('int' | 'timestamp')[]): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length) throw invalidCursor();
  kinds.forEach((kind, i) => {
    const value: unknown = parsed[i];
    const ok =
      kind === 'int'
        ? Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 2_147_483_647
        : typeof value === 'string' && isUtcTimestamp(value);
    if (!ok) throw invalidCursor();
  });
  return parsed as (string | number)[];
}

/** Given `limit + 1` rows, returns the page and the cursor of its last row when more follow. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, key: (row: R) => (string | number)[]): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(map),
    next_cursor: hasMore ? encodeCursor(key(pageRows[pageRows.length - 1])) : null,
  };
}
