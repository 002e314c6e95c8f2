import { ValidateBy } from 'class-validator';

/** At least `min` characters (code points) once spaces at both ends are set aside; the value itself is kept as sent. */
export const MinTrimmedLength = (min: number) =>
  ValidateBy({
    name: 'minTrimmedLength',
    constraints: [min],
    validator: {
      validate: (value: unknown) => typeof value === 'string' && [...value.trim()].length >= min,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be at least ${min} characters long (not counting spaces at the ends)`,
    },
  });
