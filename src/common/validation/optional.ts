import { applyDecorators } from '@nestjs/common';
import { IsDefined, ValidateIf } from 'class-validator';

/**
 * An optional field that cannot be null: absent skips the checks, null is refused with a problem
 * naming the field. class-validator's @IsOptional also lets null through, so use it only where
 * null has a meaning (it clears the value).
 */
export const OptionalNotNull = () =>
  applyDecorators(
    ValidateIf((_object: unknown, value: unknown) => value !== undefined),
    IsDefined({ message: '$property must not be null' }),
  );
