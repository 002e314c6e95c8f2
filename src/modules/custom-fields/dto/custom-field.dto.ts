import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { IsEnumValue } from '#src/common/validation/enum-value.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { Trim } from '#src/common/validation/transforms.js';
import type { CustomFieldRow } from '#src/modules/custom-fields/custom-fields.repository.js';
import { CUSTOM_FIELD_TYPES, type CustomFieldType, KEY_PATTERN } from '#src/modules/custom-fields/domain/custom-field-values.js';

export const LABEL_MAX = 200;
export const OPTIONS_MAX = 200;
export const OPTION_MAX = 100;

const AGENT_ONLY_DOC =
  'An internal field (say, "refund approved"): customers never see its values (tickets over REST and Socket.IO, their data export), ' +
  'may not set it (422 naming `custom_fields.<key>`, as for an unknown key) nor filter by it, and are not asked for it when it is required. ' +
  'Webhooks carry every value.';

export class CustomFieldResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'order_no', description: 'The key in a ticket’s `custom_fields` and in `?custom_fields.<key>=`' }) key: string;
  @ApiProperty({ example: 'Order number' }) label: string;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES }) type: CustomFieldType;
  @ApiProperty({ type: [String], nullable: true, description: 'The choices of a select field; null for other types' }) options: string[] | null;
  @ApiProperty({ description: 'A ticket opened over REST must carry a value; no one may clear it' }) required: boolean;
  @ApiProperty({ description: AGENT_ONLY_DOC }) agent_only: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class CustomFieldPageDto extends PageMetaDto {
  @ApiProperty({ type: [CustomFieldResponseDto] }) items: CustomFieldResponseDto[];
}

export function toCustomFieldResponse(row: CustomFieldRow): CustomFieldResponseDto {
  return {
    id: row.id,
    key: row.key,
    label: row.label,
    type: row.type,
    options: row.options ? [...row.options] : null,
    required: row.required,
    agent_only: row.agent_only,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const Key = () => applyDecorators(IsString(), Matches(KEY_PATTERN, { message: 'key must be lower-case letters, digits and underscores, starting with a letter (at most 64)' }));
const Label = () => applyDecorators(Trim(), IsString(), IsNotEmpty(), MaxLength(LABEL_MAX));
const Options = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value)),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(OPTIONS_MAX),
    ArrayUnique(),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(OPTION_MAX, { each: true }),
  );

export class CreateCustomFieldDto {
  @ApiProperty({ example: 'order_no', pattern: KEY_PATTERN.source })
  @Key()
  key: string;

  @ApiProperty({ example: 'Order number', maxLength: LABEL_MAX })
  @Label()
  label: string;

  @ApiProperty({ enum: CUSTOM_FIELD_TYPES, description: 'Accepted in any case, returned in lower case' })
  @IsEnumValue(CUSTOM_FIELD_TYPES)
  type: CustomFieldType;

  @ApiPropertyOptional({ type: [String], maxItems: OPTIONS_MAX, description: 'select only, and required there: the choices (trimmed, unique)' })
  @OptionalNotNull()
  @Options()
  options?: string[];

  @ApiPropertyOptional({ default: false })
  @OptionalNotNull()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ default: false, description: AGENT_ONLY_DOC })
  @OptionalNotNull()
  @IsBoolean()
  agent_only?: boolean;
}

export class UpdateCustomFieldDto {
  @ApiPropertyOptional({ description: 'Renaming moves the tickets’ values to the new key', pattern: KEY_PATTERN.source })
  @OptionalNotNull()
  @Key()
  key?: string;

  @ApiPropertyOptional({ maxLength: LABEL_MAX })
  @OptionalNotNull()
  @Label()
  label?: string;

  @ApiPropertyOptional({ enum: CUSTOM_FIELD_TYPES, description: 'Changing the type is refused (409) while any ticket holds a value' })
  @OptionalNotNull()
  @IsEnumValue(CUSTOM_FIELD_TYPES)
  type?: CustomFieldType;

  @ApiPropertyOptional({ type: [String], maxItems: OPTIONS_MAX, description: 'select only; removing a choice some ticket holds is refused (409)' })
  @OptionalNotNull()
  @Options()
  options?: string[];

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ description: 'Hide the field from customers, or show it again (see agent_only in the response)' })
  @OptionalNotNull()
  @IsBoolean()
  agent_only?: boolean;
}
