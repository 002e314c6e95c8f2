import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn } from 'class-validator';

/** Letters, digits and underscores only: what an enum value of ours can be, in any case. */
const ENUM_LIKE = /^[A-Za-z0-9_]+$/;

/**
 * Lower-cases an enum-like string ("OPEN", "High" → "open", "high"). Only ASCII is touched, so no
 * Unicode case folding turns a foreign character into an accepted value ("\u212A" is not "k").
 */
export function lowerCaseEnum(value: unknown): unknown {
  return typeof value === 'string' && ENUM_LIKE.test(value) ? value.toLowerCase() : value;
}

/**
 * One of `values`, accepted in any case and stored (and so returned) in lower case: the one
 * decorator for every enum a client sends, in bodies, query strings and socket payloads alike.
 */
export const IsEnumValue = (values: readonly string[]) =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => lowerCaseEnum(value)),
    IsIn([...values]),
  );
