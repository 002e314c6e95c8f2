import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { IsEnumValue } from '#src/common/validation/enum-value.js';
import { MAX_INT4 } from '#src/common/validation/limits.js';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { NestedObject } from '#src/common/validation/nested.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { MinTrimmedLength } from '#src/common/validation/text.js';
import { INTENT_ACTIONS, type IntentAction } from '#src/modules/bot/domain/dialogue.js';
import { SLOT_TYPES, type SlotType } from '#src/modules/bot/domain/text.js';
import type { IntentRow } from '#src/modules/bot/bot.repository.js';

const TEXT_MAX = 2000;
const PHRASE_MAX = 200;
const PHRASES_MAX = 100;
const SLOTS_MAX = 5;

const Text = () => applyDecorators(OptionalNotNull(), IsString(), MinTrimmedLength(1), MaxLength(TEXT_MAX));
const Phrases = () =>
  applyDecorators(OptionalNotNull(), IsArray(), ArrayMaxSize(PHRASES_MAX), IsString({ each: true }), Matches(/\S/, { each: true, message: 'each phrase must not be blank' }), MaxLength(PHRASE_MAX, { each: true }));
/** Unique; lower-case letters, digits and `_`. */
const IntentKey = () => applyDecorators(IsString(), Matches(/^[a-z0-9_]{1,60}$/, { message: 'key must be 1 to 60 lower-case letters, digits or _' }));
/** null is a value (no text); absent keeps what there is. */
const Nullable = () => ValidateIf((_object: unknown, value: unknown) => value !== null);

/** A text per language (`en`, `ru`); the bot answers in the customer's language, else English. */
export class LocalizedTextDto {
  @ApiPropertyOptional({ maxLength: TEXT_MAX, example: 'Your order number, please?' }) @Text() en?: string;
  @ApiPropertyOptional({ maxLength: TEXT_MAX, example: 'Номер заказа, пожалуйста?' }) @Text() ru?: string;
}

export class IntentPhrasesDto {
  @ApiPropertyOptional({ type: [String], example: ['order status', 'where is my order'] }) @Phrases() en?: string[];
  @ApiPropertyOptional({ type: [String], example: ['статус заказа', 'где мой заказ'] }) @Phrases() ru?: string[];
}

export class IntentSlotDto {
  @ApiProperty({ example: 'order_number', description: 'Lower-case letters, digits and `_`' })
  @IsString()
  @Matches(/^[a-z0-9_]{1,40}$/, { message: 'name must be 1 to 40 lower-case letters, digits or _' })
  name: string;

  @ApiProperty({
    enum: SLOT_TYPES,
    description: '`number`: 3 to 20 digits, with or without `#`, anywhere in the answer; `email`; `text`: the whole answer. Accepted in any case, returned in lower case',
  })
  @IsEnumValue(SLOT_TYPES)
  type: SlotType;

  @ApiProperty({ type: LocalizedTextDto, description: 'How the note for the agents names the value ("Order number: 12345")' })
  @NestedObject(() => LocalizedTextDto)
  label: LocalizedTextDto;

  @ApiProperty({ type: LocalizedTextDto, description: 'The question that asks for it' })
  @NestedObject(() => LocalizedTextDto)
  prompt: LocalizedTextDto;

  @ApiPropertyOptional({ type: LocalizedTextDto, nullable: true, description: 'Asked once more when an answer had no value (default: the prompt); a second miss hands over' })
  @Nullable()
  @OptionalNotNull()
  @NestedObject(() => LocalizedTextDto)
  retry?: LocalizedTextDto | null;
}

const Slots = () => applyDecorators(OptionalNotNull(), IsArray(), ArrayMaxSize(SLOTS_MAX), ValidateNested({ each: true }), Type(() => IntentSlotDto));

export class CreateIntentDto {
  @ApiProperty({ example: 'invoice_copy', description: 'Unique; lower-case letters, digits and `_`' })
  @IntentKey()
  key: string;

  @ApiProperty({ type: IntentPhrasesDto, description: 'What customers write, per language; matched in any case, with typos, inside longer sentences' })
  @NestedObject(() => IntentPhrasesDto)
  phrases: IntentPhrasesDto;

  @ApiPropertyOptional({ type: LocalizedTextDto, nullable: true, description: 'Said when the intent is recognised; null: nothing (a slot question or the hand-off speaks)' })
  @Nullable()
  @OptionalNotNull()
  @NestedObject(() => LocalizedTextDto)
  reply?: LocalizedTextDto | null;

  @ApiPropertyOptional({ type: [IntentSlotDto], description: 'Values to ask for, in order, before the action' })
  @Slots()
  slots?: IntentSlotDto[];

  @ApiPropertyOptional({
    enum: INTENT_ACTIONS,
    default: 'none',
    description: 'Once the slots are filled: `handoff` gives the chat to a person with the values in an internal note. Accepted in any case, returned in lower case',
  })
  @OptionalNotNull()
  @IsEnumValue(INTENT_ACTIONS)
  action?: IntentAction;

  @ApiPropertyOptional({ default: true }) @OptionalNotNull() @IsBoolean() enabled?: boolean;
}

export class UpdateIntentDto {
  @ApiPropertyOptional({ example: 'invoice_copy' })
  @OptionalNotNull()
  @IntentKey()
  key?: string;

  @ApiPropertyOptional({ type: IntentPhrasesDto }) @OptionalNotNull() @NestedObject(() => IntentPhrasesDto) phrases?: IntentPhrasesDto;

  @ApiPropertyOptional({ type: LocalizedTextDto, nullable: true })
  @Nullable()
  @OptionalNotNull()
  @NestedObject(() => LocalizedTextDto)
  reply?: LocalizedTextDto | null;

  @ApiPropertyOptional({ type: [IntentSlotDto] }) @Slots() slots?: IntentSlotDto[];
  @ApiPropertyOptional({ enum: INTENT_ACTIONS, description: 'Accepted in any case, returned in lower case' }) @OptionalNotNull() @IsEnumValue(INTENT_ACTIONS) action?: IntentAction;
  @ApiPropertyOptional() @OptionalNotNull() @IsBoolean() enabled?: boolean;
}

export class IntentResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'order_status' }) key: string;
  @ApiProperty({ type: IntentPhrasesDto }) phrases: IntentPhrasesDto;
  @ApiProperty({ type: LocalizedTextDto, nullable: true }) reply: LocalizedTextDto | null;
  @ApiProperty({ type: [IntentSlotDto] }) slots: IntentSlotDto[];
  @ApiProperty({ enum: INTENT_ACTIONS }) action: IntentAction;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class IntentPageDto extends PageMetaDto {
  @ApiProperty({ type: [IntentResponseDto] }) items: IntentResponseDto[];
}

export function toIntentResponse(row: IntentRow): IntentResponseDto {
  return {
    id: row.id,
    key: row.key,
    phrases: row.phrases,
    reply: row.reply,
    slots: row.slots.map((slot) => ({ name: slot.name, type: slot.type, label: slot.label, prompt: slot.prompt, retry: slot.retry ?? null })),
    action: row.action,
    enabled: row.enabled,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The `bot:handoff` socket event: the customer asks for a person on one of its live chats. */
export class BotHandoffPayload {
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  ticket_id: number;
}
