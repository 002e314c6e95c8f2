import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageMetaDto, PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { MAX_INT4 } from '#src/common/validation/limits.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { Trim } from '#src/common/validation/transforms.js';
import { normaliseShortcut, PLACEHOLDERS, SHORTCUT_MAX, SHORTCUT_PATTERN } from '#src/modules/canned-responses/domain/placeholders.js';
import type { CannedResponseRecord } from '#src/modules/canned-responses/canned-responses.repository.js';
import { Content, CONTENT_MAX } from '#src/modules/messages/dto/message.dto.js';

const TITLE_MAX = 200;
const PLACEHOLDER_LIST = PLACEHOLDERS.map((name) => `\`{{${name}}}\``).join(', ');

const Shortcut = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseShortcut(value) : value)),
    IsString(),
    IsNotEmpty(),
    MaxLength(SHORTCUT_MAX),
    Matches(SHORTCUT_PATTERN, { message: 'shortcut may hold letters, digits and _ . - only, and starts with a letter or digit' }),
  );
const Title = () => applyDecorators(Trim(), IsString(), IsNotEmpty(), MaxLength(TITLE_MAX));

export class CannedResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'refund', description: 'Lower case; what agents type to find it' }) shortcut: string;
  @ApiProperty({ example: 'Refund on its way' }) title: string;
  @ApiProperty({ example: 'Hello {{customer.name}}, the refund for ticket #{{ticket.id}} is on its way. {{agent.name}}' }) content: string;
  @ApiProperty({ description: 'Shared: every agent sees it; personal: its owner only' }) shared: boolean;
  @ApiProperty({ description: 'Who wrote it (and may edit it; admins may edit shared ones too)' }) owner_id: number;
  @ApiProperty() owner_name: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class CannedResponsePageDto extends PageMetaDto {
  @ApiProperty({ type: [CannedResponseDto] }) items: CannedResponseDto[];
}

export function toCannedResponse(row: CannedResponseRecord): CannedResponseDto {
  return {
    id: row.id,
    shortcut: row.shortcut,
    title: row.title,
    content: row.content,
    shared: row.shared,
    owner_id: row.owner_id,
    owner_name: row.owner_name,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export class CreateCannedResponseDto {
  @ApiProperty({ maxLength: SHORTCUT_MAX, example: 'refund', description: 'Letters, digits, `_ . -`; stored in lower case, a leading `/` dropped' })
  @Shortcut()
  shortcut: string;

  @ApiProperty({ maxLength: TITLE_MAX, example: 'Refund on its way' })
  @Title()
  title: string;

  @ApiProperty({ maxLength: CONTENT_MAX, description: `The reply; placeholders ${PLACEHOLDER_LIST} are filled by render` })
  @Content()
  content: string;

  @ApiPropertyOptional({ default: false, description: 'true: every agent sees it; false: only you' })
  @OptionalNotNull()
  @IsBoolean()
  shared?: boolean;
}

export class UpdateCannedResponseDto {
  @ApiPropertyOptional({ maxLength: SHORTCUT_MAX })
  @OptionalNotNull()
  @Shortcut()
  shortcut?: string;

  @ApiPropertyOptional({ maxLength: TITLE_MAX })
  @OptionalNotNull()
  @Title()
  title?: string;

  @ApiPropertyOptional({ maxLength: CONTENT_MAX })
  @OptionalNotNull()
  @Content()
  content?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean()
  shared?: boolean;
}

export class ListCannedResponsesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ maxLength: TITLE_MAX, description: 'A prefix of the shortcut (a leading `/` is ignored), or of the title or one of its words (any case); empty: everything' })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @MaxLength(TITLE_MAX)
  q?: string;
}

export class RenderCannedResponseDto {
  @ApiProperty({ description: 'The ticket whose values fill the placeholders' })
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  ticket_id: number;
}

export class RenderedCannedResponseDto {
  @ApiProperty({ example: 'Hello Anna, the refund for ticket #42 is on its way. Alex', description: 'The content with the placeholders filled; unknown ones as written' })
  content: string;
}
