import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEvents } from '#src/common/events/domain-events.js';
import { Slots } from '#src/common/util/slots.js';
import { AppConfig } from '#src/config/app-config.js';
import { parseSuggestion, type SuggestionChoices } from '#src/modules/assist/domain/suggestion.js';
import { LlmService } from '#src/modules/assist/llm.service.js';
import { type CategorisePromptInput, PromptTemplate } from '#src/modules/assist/prompt.js';
import { QueuesService } from '#src/modules/queues/queues.service.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import type {} from '#src/modules/tickets/tickets.events.js'; // DomainEvents entries (types only)

/** The queues and categories the model chooses from are re-read at most this often. */
const CHOICES_TTL_MS = 60_000;
const CATEGORIES = 50;
const QUEUES = 100;
/** Model calls at once; more new tickets wait their turn, and past WAITING_MAX a burst is left unsuggested. */
const CONCURRENT = 4;
const WAITING_MAX = 1000;

/**
 * Suggested categorisation (issue 14): with a language model configured, a new ticket that came
 * without a category (web, chat, e-mail or API) is shown to the model with the queues and the
 * categories in use, after its creation has committed and been answered, so it never delays or
 * blocks it. The answer is stored as the ticket's `suggested_category` / `suggested_queue_id`, and
 * applied with AI_APPLY_SUGGESTIONS. A model that fails, or does not finish within
 * AI_CATEGORISE_TIMEOUT_SECONDS, suggests nothing (a log line says why).
 */
@Injectable()
export class CategorisationService {
  private readonly logger = new Logger(CategorisationService.name);
  private readonly prompt: PromptTemplate<CategorisePromptInput>;
  private choices: { at: number; value: Promise<SuggestionChoices> } | null = null;
  private readonly slots = new Slots(CONCURRENT);

  constructor(
    private readonly config: AppConfig,
    private readonly llm: LlmService,
    private readonly tickets: TicketsService,
    private readonly queues: QueuesService,
  ) {
    this.prompt = new PromptTemplate('categorise', config.locale);
  }

  @OnEvent('ticket.created', { async: true, promisify: true })
  async ticketCreated({ ticket }: DomainEvents['ticket.created']): Promise<void> {
    if (!this.llm.enabled || ticket.category !== null) return;
    if (this.slots.waitingCount >= WAITING_MAX) {
      this.logger.warn({ ticketId: ticket.id }, 'No category suggested: too many new tickets wait for the language model');
      return;
    }
    await this.slots.run(() => this.suggestFor(ticket));
  }

  /** One model call for a new ticket; a failure suggests nothing (a log line says why). */
  private async suggestFor(ticket: DomainEvents['ticket.created']['ticket']): Promise<void> {
    try {
      const choices = await this.currentChoices();
      const answer = await this.llm.complete(
        this.prompt.messages({ ticket: { title: ticket.title, description: ticket.description }, ...choices }),
        this.config.llm.categoriseTimeoutSeconds * 1000,
      );
      const suggestion = parseSuggestion(answer, choices);
      if (suggestion.category === null && suggestion.queueId === null) {
        this.logger.warn({ ticketId: ticket.id }, 'The language model suggested no category or queue');
        return;
      }
      await this.tickets.suggest(ticket.id, suggestion, this.config.llm.applySuggestions);
    } catch (error) {
      this.logger.warn({ err: error, ticketId: ticket.id }, 'No category suggested: the language model failed');
    }
  }

  private currentChoices(): Promise<SuggestionChoices> {
    const now = Date.now();
    if (!this.choices || now - this.choices.at > CHOICES_TTL_MS) {
      const value = Promise.all([this.queues.list({ limit: QUEUES }), this.tickets.categoriesInUse(CATEGORIES)]).then(([queues, categories]) => ({
        queues: queues.items.map(({ id, name }) => ({ id, name })),
        categories,
      }));
      this.choices = { at: now, value };
      value.catch(() => (this.choices = null));
    }
    return this.choices.value;
  }
}
