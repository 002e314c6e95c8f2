import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';

/**
 * A field holding one object of the class `type`, validated by that class's rules. @ValidateNested
 * alone also takes an array of such objects (it validates each element), so an array is refused here.
 */
export const NestedObject = (type: () => new () => object) => applyDecorators(IsObject(), ValidateNested(), Type(type));
