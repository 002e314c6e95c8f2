import { Injectable } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { BotRepository, type IntentValues } from '#src/modules/bot/bot.repository.js';
import type { Localized, SlotSpec } from '#src/modules/bot/domain/dialogue.js';
import { intentProblems } from '#src/modules/bot/domain/intent-rules.js';
import {
  type CreateIntentDto,
  type IntentPhrasesDto,
  type IntentResponseDto,
  type IntentSlotDto,
  type LocalizedTextDto,
  toIntentResponse,
  type UpdateIntentDto,
} from '#src/modules/bot/dto/bot-intent.dto.js';

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Intent not found');

/** Only the languages given, as plain data (the DTO instances carry no other fields: unknown ones are refused). */
const text = (dto: LocalizedTextDto): Localized => ({ ...(dto.en !== undefined && { en: dto.en }), ...(dto.ru !== undefined && { ru: dto.ru }) });
const phrases = (dto: IntentPhrasesDto): IntentValues['phrases'] => ({ ...(dto.en && { en: dto.en }), ...(dto.ru && { ru: dto.ru }) });
const slot = (dto: IntentSlotDto): SlotSpec => ({ name: dto.name, type: dto.type, label: text(dto.label), prompt: text(dto.prompt), retry: dto.retry ? text(dto.retry) : null });

/**
 * The bot's intents, managed by admins. The bot reads them on every turn, so a change applies to
 * the next customer message on every instance, without a restart.
 */
@Injectable()
export class BotIntentsService {
  constructor(private readonly repo: BotRepository) {}

  async list(query: PaginationQueryDto): Promise<Page<IntentResponseDto>> {
    const limit = query.limit ?? 20;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await this.repo.listIntents(afterId, limit), limit, toIntentResponse, (row) => [row.id]);
  }

  async create(dto: CreateIntentDto): Promise<IntentResponseDto> {
    const values: IntentValues = {
      key: dto.key,
      phrases: phrases(dto.phrases),
      reply: dto.reply ? text(dto.reply) : null,
      slots: (dto.slots ?? []).map(slot),
      action: dto.action ?? 'none',
      enabled: dto.enabled ?? true,
    };
    check(values);
    return toIntentResponse(await this.repo.insertIntent(values));
  }

  /** What is left out keeps its value; `reply: null` removes the reply. */
  async update(id: number, dto: UpdateIntentDto): Promise<IntentResponseDto> {
    const current = await this.repo.findIntent(id);
    if (!current) throw notFound();
    const values: IntentValues = {
      key: dto.key ?? current.key,
      phrases: dto.phrases ? phrases(dto.phrases) : current.phrases,
      reply: dto.reply === undefined ? current.reply : dto.reply === null ? null : text(dto.reply),
      slots: dto.slots ? dto.slots.map(slot) : current.slots,
      action: dto.action ?? current.action,
      enabled: dto.enabled ?? current.enabled,
    };
    check(values);
    const updated = await this.repo.updateIntent(id, values);
    if (!updated) throw notFound();
    return toIntentResponse(updated);
  }

  async delete(id: number): Promise<void> {
    if (!(await this.repo.deleteIntent(id))) throw notFound();
  }
}

function check(values: IntentValues): void {
  const problems = intentProblems(values);
  if (problems.length > 0) throw new AppError(ErrorCode.VALIDATION_FAILED, 'The intent is not usable as written', problems);
}
