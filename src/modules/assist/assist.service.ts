import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { type AuthUser, isAgent, limitHolder } from '#src/common/auth/auth-user.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { limited } from '#src/common/throttling/rate-limit.guard.js';
import { SharedThrottlerStorage } from '#src/common/throttling/shared-throttler.storage.js';
import { AppConfig } from '#src/config/app-config.js';
import { type ArticleForReply, fallbackReply, streamPieces } from '#src/modules/assist/domain/fallback-reply.js';
import { LlmError } from '#src/modules/assist/llm.client.js';
import { LlmService } from '#src/modules/assist/llm.service.js';
import { PromptTemplate, type ReplyPromptInput } from '#src/modules/assist/prompt.js';
import { KnowledgeService } from '#src/modules/knowledge/knowledge.service.js';
import { MessagesService } from '#src/modules/messages/messages.service.js';
import { MetricsService } from '#src/modules/metrics/metrics.service.js';
import { NotesService } from '#src/modules/notes/notes.service.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import { customerNameFor } from '#src/modules/tickets/domain/ticket-access.js';
import { UsersService } from '#src/modules/users/users.service.js';

/** What a suggested-reply stream sends: pieces of text, then how it ended. */
export type ReplyEvent =
  | { event: 'token'; data: { text: string } }
  | { event: 'done'; data: { source: 'llm' | 'articles'; articles: { id: number; title: string }[] } };

const ARTICLES = 3;
const THREAD = 30;
const HOUR = 3_600_000;

/**
 * Suggested replies on a ticket (issue 14): with LLM_BASE_URL, a model writes one from the ticket,
 * its thread (internal notes only for agents) and the best knowledge-base articles, streamed as it
 * comes; without, one is assembled from the best article. Each call is counted against the
 * caller's hourly allowance (AI_REPLIES_PER_HOUR), since each costs money upstream.
 */
@Injectable()
export class AssistService {
  private readonly logger = new Logger(AssistService.name);
  private readonly prompt: PromptTemplate<ReplyPromptInput>;
  private readonly replies: Counter<'source' | 'outcome'>;

  constructor(
    private readonly config: AppConfig,
    private readonly tickets: TicketsService,
    private readonly messages: MessagesService,
    private readonly notes: NotesService,
    private readonly knowledge: KnowledgeService,
    private readonly limits: SharedThrottlerStorage,
    private readonly users: UsersService,
    private readonly llm: LlmService,
    metrics: MetricsService,
  ) {
    this.prompt = new PromptTemplate('suggest-reply', config.locale);
    this.replies = new Counter({
      name: 'ai_replies_total',
      help: 'Suggested replies streamed, by source (llm, articles) and outcome (done, error, aborted)',
      labelNames: ['source', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }

  /**
   * Checks access (404 for a ticket the caller may not see) and the hourly allowance (429), and
   * returns the stream to send. Errors before the stream are ordinary HTTP errors.
   */
  async start(actor: AuthUser, ticketId: number, signal: AbortSignal): Promise<AsyncGenerator<ReplyEvent>> {
    const ticket = await this.tickets.getVisible(actor, ticketId);
    const policy = { name: 'ai-replies-user', limit: this.config.llm.repliesPerHour, windowMs: HOUR };
    // A visitor token counts against its visit, not the account: anyone may start a visit with an address.
    const record = await this.limits.increment(`${policy.name}:${limitHolder(actor)}`, policy.windowMs, policy.limit);
    if (record.isBlocked) throw limited(policy, record);
    const hits = await this.knowledge.topForText(`${ticket.title}\n${ticket.description}`, ARTICLES);
    const articles: ArticleForReply[] = hits.map(({ id, title, content }) => ({ id, title, content, url: `${this.config.publicUrl}/api/v1/articles/${id}` }));
    if (this.llm.enabled) return this.fromModel(actor, ticket, articles, signal);
    const storedName = ticket.clientId === actor.id ? actor.name : (await this.users.getEntity(ticket.clientId)).name;
    // A visitor not proven is greeted by the name it gave: the address's stored name may be someone else's.
    const customerName = customerNameFor(storedName, ticket.visitor);
    return this.fromArticles(customerName, articles);
  }

  private async *fromArticles(customerName: string, articles: ArticleForReply[]): AsyncGenerator<ReplyEvent> {
    for (const text of streamPieces(fallbackReply({ customerName, locale: this.config.locale, articles }))) yield { event: 'token', data: { text } };
    this.replies.inc({ source: 'articles', outcome: 'done' });
    yield { event: 'done', data: { source: 'articles', articles: articles.map(({ id, title }) => ({ id, title })) } };
  }

  private async *fromModel(
    actor: AuthUser,
    ticket: { id: number; title: string; description: string; status: string; priority: string },
    articles: ArticleForReply[],
    signal: AbortSignal,
  ): AsyncGenerator<ReplyEvent> {
    // Access was checked in start(): read the thread without checking it twice more.
    const thread: { who: string; text: string }[] = (await this.messages.firstOf(ticket.id, THREAD)).map((m) => ({ who: m.author_type, text: m.content }));
    if (isAgent(actor)) thread.push(...(await this.notes.firstOf(ticket.id, THREAD)).map((n) => ({ who: 'internal note', text: n.content })));
    const messages = this.prompt.messages({ ticket, thread, articles });
    try {
      for await (const text of this.llm.stream(messages, signal)) {
        yield { event: 'token', data: { text } };
      }
    } catch (error) {
      const kind = error instanceof LlmError ? error.kind : 'upstream';
      this.replies.inc({ source: 'llm', outcome: kind === 'aborted' ? 'aborted' : 'error' });
      if (kind !== 'aborted') this.logger.warn({ err: error, ticketId: ticket.id }, 'A suggested reply failed upstream');
      throw new AppError(kind === 'timeout' ? ErrorCode.GATEWAY_TIMEOUT : ErrorCode.BAD_GATEWAY, error instanceof LlmError ? error.message : 'The language model failed');
    }
    this.replies.inc({ source: 'llm', outcome: 'done' });
    yield { event: 'done', data: { source: 'llm', articles: articles.map(({ id, title }) => ({ id, title })) } };
  }
}
