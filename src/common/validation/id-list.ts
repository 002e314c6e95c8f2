import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, Max, Min } from 'class-validator';
import { MAX_INT4 } from '#src/common/validation/limits.js';

/** A JSON array of 1 to `max` distinct positive integer ids (strings are refused, not converted). */
export const IdList = (max: number) =>
  applyDecorators(IsArray(), ArrayMinSize(1), ArrayMaxSize(max), ArrayUnique(), IsInt({ each: true }), Min(1, { each: true }), Max(MAX_INT4, { each: true }));
