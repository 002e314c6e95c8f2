import { Transform } from 'class-transformer';
import { DECIMAL_INT } from '#src/common/validation/limits.js';

/** Trims strings (other values pass through to fail their own checks). */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trims and lower-cases an e-mail address. */
export const NormalizeEmail = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

/** Query-string booleans: "true"/"false" only. */
export const QueryBoolean = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

/**
 * Query-string integers: decimal digits only (see DECIMAL_INT). Anything else stays a string and
 * fails the property's @IsInt, where Number() would have read "0x10" as 16 and "1e3" as 1000.
 */
export const QueryInt = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && DECIMAL_INT.test(value) ? Number(value) : value));
