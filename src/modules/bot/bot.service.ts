import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { Clock } from '#src/common/clock.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import type { DomainEvents } from '#src/common/events/domain-events.js';
import { translate } from '#src/common/i18n/translate.js';
import { validatePayload } from '#src/common/validation/validate-payload.js';
import { AppConfig } from '#src/config/app-config.js';
import { BotRepository, type IntentRow } from '#src/modules/bot/bot.repository.js';
import { type BotIntent, type Conversation, greet, type KnowledgeAnswer, newConversation, requestedHandoff, respond, type Step } from '#src/modules/bot/domain/dialogue.js';
import { coverage, KNOWLEDGE_COVERAGE_MIN } from '#src/modules/bot/domain/intent-matcher.js';
import { type BotLanguage, detectLanguage } from '#src/modules/bot/domain/text.js';
import { BotHandoffPayload } from '#src/modules/bot/dto/bot-intent.dto.js';
import { HIGHLIGHT_START, HIGHLIGHT_STOP } from '#src/modules/knowledge/domain/snippet.js';
import { KnowledgeService } from '#src/modules/knowledge/knowledge.service.js';
import { type AppendedMessage, type MessageAuthor, MessagesService } from '#src/modules/messages/messages.service.js';
import type { NoteResponseDto } from '#src/modules/notes/dto/note.dto.js';
import { NotesService } from '#src/modules/notes/notes.service.js';
import { AssignmentService } from '#src/modules/tickets/assignment.service.js';
import { botHolds, isActive } from '#src/modules/tickets/domain/ticket-status.js';
import type { TicketEntity } from '#src/modules/tickets/ticket.entity.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import type {} from '#src/modules/messages/messages.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/tickets/tickets.events.js'; // DomainEvents entries (types only)

const BOT: MessageAuthor = { id: null, type: 'bot' };

/** What one turn of the bot wrote, committed; announced afterwards. */
interface Written {
  messages: AppendedMessage[];
  note: NoteResponseDto | null;
  /** The ticket as it stands after the turn. */
  ticket: TicketEntity;
  handedOver: boolean;
  language: BotLanguage;
}

/** ts_headline's excerpt as plain text (the bot writes messages, not HTML). */
const plainSnippet = (headline: string) => headline.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_STOP, '').replace(/\s+/gu, ' ').trim();

const toIntent = (row: IntentRow): BotIntent => ({ id: row.id, key: row.key, phrases: row.phrases, reply: row.reply, slots: row.slots, action: row.action });

/**
 * The chat bot. It takes part in a live chat while the ticket says so (`bot_state` `active`, see
 * botHolds), reacting to committed domain events on the instance that stored the customer's
 * message, so one message gets one answer however many instances run, and the message is stored
 * and acknowledged before the bot even starts. A bot failure is logged, never the customer's problem.
 *
 * Each turn runs in one transaction on the locked ticket and conversation: the bot's messages
 * (after the customer's, in the same thread), a note for the agents, and the hand-over; then they
 * are announced (`message:new`), and a handed-over chat is given out by AssignmentService to an
 * agent who is online, or waits until one connects.
 */
@Injectable()
export class BotService {
  private readonly logger = new Logger(BotService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly repo: BotRepository,
    private readonly tickets: TicketsService,
    private readonly messages: MessagesService,
    private readonly notes: NotesService,
    private readonly assignment: AssignmentService,
    private readonly knowledge: KnowledgeService,
    private readonly clock: Clock,
  ) {}

  /** A new live chat: the greeting (and the answer to its opening text, if it names an intent). */
  @OnEvent('ticket.created', { async: true, promisify: true })
  async ticketCreated({ ticket }: DomainEvents['ticket.created']): Promise<void> {
    if (!ticket.bot_active) return;
    await this.safely(ticket.id, async () => {
      const intents = await this.intents();
      await this.turn(ticket.id, null, (conversation) => greet(conversation, `${ticket.title}\n${ticket.description}`, this.context(intents)));
    });
  }

  /**
   * A customer's message on a chat the bot holds: its answer. An agent's public reply takes the chat
   * over instead. The bot's own messages and e-mail are not for it.
   */
  @OnEvent('message.created', { async: true, promisify: true })
  async messageCreated({ message, ticket }: DomainEvents['message.created']): Promise<void> {
    if (ticket.source !== 'chat') return;
    // The event carries the ticket after the message: an agent's first reply shows bot_active false already.
    if (message.author_type === 'agent' && message.author_id !== null && ticket.agent_id === null) {
      return this.safely(ticket.id, () => this.takenOver(ticket.id, message.author_id!));
    }
    if (message.author_type !== 'client' || !ticket.bot_active) return;
    await this.safely(ticket.id, async () => {
      const intents = await this.intents();
      let knowledge: KnowledgeAnswer | null | undefined;
      // At most twice: the knowledge base is asked only when no intent answers.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const done = await this.turn(ticket.id, message.id, (conversation) => respond(conversation, message.content, this.context(intents), knowledge));
        if (done) return;
        knowledge = await this.lookUp(message.content);
      }
    });
  }

  /** An agent took a chat that waited after the hand-over: the customer hears that a person is there. */
  @OnEvent('ticket.assigned', { async: true, promisify: true })
  async ticketAssigned({ ticket, agentId }: DomainEvents['ticket.assigned']): Promise<void> {
    if (agentId === null || ticket.source !== 'chat') return;
    await this.safely(ticket.id, async () => {
      const language = await this.repo.agentArrived(ticket.id);
      if (language) await this.messages.post(null, ticket.id, BOT, translate(language, 'bot.agent_joined'), null);
    });
  }

  /**
   * The `bot:handoff` socket event: the ticket's customer asks for a person. `handed_off` false when
   * the bot did not hold the chat (already with people).
   */
  async requestHandoff(user: AuthUser, payload: unknown): Promise<{ ticket_id: number; handed_off: boolean }> {
    const { ticket_id: ticketId } = await validatePayload(BotHandoffPayload, payload);
    const ticket = await this.tickets.getVisible(user, ticketId);
    if (isAgent(user)) throw new AppError(ErrorCode.FORBIDDEN, 'Agents take a chat over by assigning it (POST /tickets/:id/assign) or replying');
    if (!botHolds(ticket)) return { ticket_id: ticketId, handed_off: false };
    // Asking for a person matches no intent: the intents are not read.
    const handedOff = await this.turn(ticketId, null, (conversation) => requestedHandoff(conversation, this.context([])), true);
    return { ticket_id: ticketId, handed_off: handedOff };
  }

  /**
   * An agent replied in public on a chat the bot held (which ended the bot's part): the chat is
   * handed over, to that agent, through AssignmentService like any assignment (`ticket:assigned`).
   */
  private async takenOver(ticketId: number, agentId: number): Promise<void> {
    const taken = await this.dataSource.transaction(async (manager) => {
      const before = await this.tickets.lockVisible(null, ticketId, manager);
      if (before.botState !== 'active' || before.agentId !== null || !isActive(before.status)) return null;
      const handed = await this.tickets.handOverFromBot(manager, before);
      return { before, after: await this.assignment.applyAssignment(manager, handed, agentId, agentId, this.clock.now()) };
    });
    if (taken) this.assignment.announceAssignment(taken.before, taken.after, agentId);
  }

  private context(intents: BotIntent[]) {
    return { intents, agentLanguage: this.config.locale };
  }

  /** Read on every turn: a new or changed intent applies at once, on every instance. */
  private async intents(): Promise<BotIntent[]> {
    return (await this.repo.enabledIntents()).map(toIntent);
  }

  /**
   * One turn: under the ticket's and the conversation's locks, while the bot still holds the chat,
   * `decide` on the conversation and write what it says. `messageId` null: not an answer to a
   * message (the greeting: only on a conversation that has not started; a hand-off the customer
   * asked for). False when the step needs the knowledge base first; true otherwise (also when there
   * was nothing to do), or, with `reportHandOver`, whether the chat was handed over.
   */
  private async turn(ticketId: number, messageId: number | null, decide: (conversation: Conversation) => Step, reportHandOver = false): Promise<boolean> {
    const written = await this.dataSource.transaction(async (manager): Promise<Written | 'needs_knowledge' | null> => {
      const ticket = await this.tickets.lockVisible(null, ticketId, manager);
      if (!botHolds(ticket) || ticket.source !== 'chat') return null;
      const { conversation, lastMessageId, created } = await this.repo.lockConversation(manager, ticketId, newConversation(this.languageOf(ticket)));
      if (messageId === null ? !created && !reportHandOver : messageId <= lastMessageId) return null;
      const step = decide(conversation);
      if (step.kind === 'needs_knowledge') return 'needs_knowledge';
      let current = ticket;
      const messages: AppendedMessage[] = [];
      for (const text of step.say) {
        const appended = await this.messages.append(manager, current, BOT, text);
        messages.push(appended);
        current = appended.after;
      }
      const note = step.note === null ? null : await this.notes.appendBySystem(manager, ticketId, 'bot', step.note);
      if (step.handoff) current = await this.tickets.handOverFromBot(manager, current);
      await this.repo.saveConversation(manager, ticketId, step.next, messageId ?? 0, step.handoff);
      return { messages, note, ticket: current, handedOver: step.handoff, language: step.next.language };
    });
    if (written === 'needs_knowledge') return false;
    if (written === null) return !reportHandOver;
    for (const appended of written.messages) await this.messages.announce(appended);
    if (written.note) this.notes.announce(written.note, this.tickets.respond(written.ticket));
    if (written.handedOver) await this.handOut(written.ticket, written.language);
    return reportHandOver ? written.handedOver : true;
  }

  /**
   * The hand-over, committed: AssignmentService gives the chat to an online agent (or admin) with
   * room (who gets `ticket:assigned`; the customer then hears from ticketAssigned), or it waits in
   * its queue until one connects, and the customer is told so.
   */
  private async handOut(ticket: TicketEntity, language: BotLanguage): Promise<void> {
    this.tickets.announceHandOver(ticket);
    if (await this.assignment.autoAssign({ id: ticket.id, queueId: ticket.queueId })) return;
    // Unassigned as far as this call saw; an agent who connected since may have been given it (the waiting tickets go out then).
    if ((await this.tickets.getById(ticket.id)).agentId !== null) return;
    await this.messages.post(null, ticket.id, BOT, translate(language, 'bot.handoff_waiting'), null);
  }

  /** A confident knowledge-base answer for the text, or null (a failed search is no answer). */
  private async lookUp(text: string): Promise<KnowledgeAnswer | null> {
    try {
      const [hit] = await this.knowledge.topForText(text, 1);
      if (!hit || coverage(text, `${hit.title} ${hit.content}`) < KNOWLEDGE_COVERAGE_MIN) return null;
      return { articleId: hit.id, title: hit.title, snippet: plainSnippet(hit.headline), url: `${this.config.publicUrl}/api/v1/articles/${hit.id}` };
    } catch (error) {
      this.logger.warn({ err: error }, 'The knowledge base could not be searched for the bot');
      return null;
    }
  }

  /** The language a chat starts in: its opening text's, else the service's (LOCALE). */
  private languageOf(ticket: TicketEntity): BotLanguage {
    return detectLanguage(`${ticket.title} ${ticket.description}`) ?? this.config.locale;
  }

  /**
   * After the customer's message committed: a failure is logged, and a chat the bot still holds
   * goes to people (automatic assignment never takes a chat the bot holds, so it would wait on a
   * bot that cannot answer).
   */
  private async safely(ticketId: number, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ err: error, ticketId }, 'The bot could not answer; the customer’s message is stored as sent, and the chat goes to people');
      await this.giveUp(ticketId);
    }
  }

  private async giveUp(ticketId: number): Promise<void> {
    try {
      const handed = await this.dataSource.transaction(async (manager) => {
        const ticket = await this.tickets.lockVisible(null, ticketId, manager);
        return botHolds(ticket) ? this.tickets.handOverFromBot(manager, ticket) : null;
      });
      if (handed) await this.handOut(handed, this.languageOf(handed));
    } catch (error) {
      this.logger.error({ err: error, ticketId }, 'The bot could not hand the chat over either; an agent must take it by hand');
    }
  }
}
