import { translate } from '#src/common/i18n/translate.js';
import { type MatchableIntent, matchIntent } from '#src/modules/bot/domain/intent-matcher.js';
import { type BotLanguage, detectLanguage, extractSlot, type SlotType, yesOrNo } from '#src/modules/bot/domain/text.js';

/**
 * The bot's side of a chat, as a pure function of the conversation so far and the customer's new
 * message: what to say, what to note for the agents, whether to hand the chat to a person, and the
 * conversation after. The service reads and writes; this decides.
 */

/** A text per language; the bot says the customer's language, else English, else whichever there is. */
export type Localized = Partial<Record<BotLanguage, string>>;

export const INTENT_ACTIONS = ['none', 'handoff'] as const;
/** What the bot does once an intent's slots are filled (at once for an intent without slots). */
export type IntentAction = (typeof INTENT_ACTIONS)[number];

export interface SlotSpec {
  name: string;
  type: SlotType;
  /** How the value is named in the note for the agents ("Order number"). */
  label: Localized;
  /** The question that asks for it. */
  prompt: Localized;
  /** The question asked once more when an answer had no value; the prompt again when unset. */
  retry?: Localized | null;
}

export interface BotIntent extends MatchableIntent {
  key: string;
  /** Said when the intent is recognised (before the first slot's prompt); null: nothing. */
  reply: Localized | null;
  slots: SlotSpec[];
  action: IntentAction;
}

/** What the bot remembers of a chat between two messages. */
export interface Conversation {
  language: BotLanguage;
  /** The intent whose slots are being collected, or null. */
  intentId: number | null;
  slots: Record<string, string>;
  /** The current slot was asked for once more already. */
  retried: boolean;
  /** Messages in a row the bot could not answer. */
  misses: number;
  /** An article the bot offered, waiting for "did this help?". */
  feedback: { articleId: number; title: string } | null;
}

/** A confident answer from the knowledge base for the message. */
export interface KnowledgeAnswer {
  articleId: number;
  title: string;
  snippet: string;
  url: string;
}

export type Step =
  /** Ask the knowledge base and call again with its answer (null: none). */
  | { kind: 'needs_knowledge' }
  | {
      kind: 'act';
      /** Bot messages to write, in order. */
      say: string[];
      /** An internal note for the agents, or null. */
      note: string | null;
      /** Hand the chat to a person (after saying what is in `say`). */
      handoff: boolean;
      next: Conversation;
    };

/** Unanswered messages in a row that hand the chat to a person. */
export const MAX_MISSES = 2;

export function newConversation(language: BotLanguage): Conversation {
  return { language, intentId: null, slots: {}, retried: false, misses: 0, feedback: null };
}

export function localized(text: Localized | null | undefined, language: BotLanguage): string | null {
  if (!text) return null;
  return text[language] ?? text.en ?? Object.values(text).find((value) => typeof value === 'string' && value !== '') ?? null;
}

interface Context {
  intents: readonly BotIntent[];
  /** The agents' language (LOCALE), for notes. */
  agentLanguage: BotLanguage;
}

/** A fresh start for the next topic: nothing pending, no misses. */
const settled = (conversation: Conversation): Conversation => ({ ...conversation, intentId: null, slots: {}, retried: false, misses: 0, feedback: null });

const act = (say: (string | null)[], next: Conversation, note: string | null = null, handoff = false): Step => ({
  kind: 'act',
  say: say.filter((text): text is string => text !== null && text.trim() !== ''),
  note,
  handoff,
  next,
});

/** The note for the agents: why the bot handed over (when it did), then each collected value. */
export function handoffNote(reason: string | null, intent: BotIntent | null, slots: Record<string, string>, language: BotLanguage): string | null {
  const lines = reason === null ? [] : [translate(language, 'bot.note_handoff', { reason })];
  for (const slot of intent?.slots ?? []) {
    const label = localized(slot.label, language) ?? slot.name;
    if (slots[slot.name] !== undefined) lines.push(`${label}: ${slots[slot.name]}`);
    else if (reason !== null) lines.push(`${label}: ${translate(language, 'bot.note_missing')}`);
  }
  return lines.length > 0 ? lines.join('\n') : null;
}

function handOff(conversation: Conversation, reason: string, ctx: Context, say: (string | null)[] = [], intent: BotIntent | null = null, slots: Record<string, string> = {}): Step {
  return act(say, settled(conversation), handoffNote(reason, intent, slots, ctx.agentLanguage), true);
}

/** An intent whose slots are all filled (or that has none): its action. */
function complete(conversation: Conversation, intent: BotIntent, slots: Record<string, string>, ctx: Context, say: (string | null)[]): Step {
  if (intent.action === 'handoff') {
    return handOff(conversation, translate(ctx.agentLanguage, 'bot.reason_intent', { intent: intent.key }), ctx, say, intent, slots);
  }
  return act(say, settled(conversation), handoffNote(null, intent, slots, ctx.agentLanguage));
}

/** A recognised intent: its reply, then its first slot's question, or its action at once. */
function begin(conversation: Conversation, intent: BotIntent, ctx: Context, before: (string | null)[] = []): Step {
  const { language } = conversation;
  const say = [...before, localized(intent.reply, language)];
  const [first] = intent.slots;
  if (!first) return complete(conversation, intent, {}, ctx, say);
  return act([...say, localized(first.prompt, language)], { ...settled(conversation), intentId: intent.id });
}

const unfilled = (intent: BotIntent, slots: Record<string, string>) => intent.slots.find((slot) => slots[slot.name] === undefined);

/** The customer answered (or not) the question for a slot of `intent`. */
function collect(conversation: Conversation, intent: BotIntent, text: string, ctx: Context): Step | null {
  const { language } = conversation;
  const slot = unfilled(intent, conversation.slots);
  if (!slot) return complete(conversation, intent, conversation.slots, ctx, []);
  const value = extractSlot(slot.type, text);
  if (value !== null) {
    const slots = { ...conversation.slots, [slot.name]: value };
    const following = unfilled(intent, slots);
    if (!following) return complete(conversation, intent, slots, ctx, []);
    return act([localized(following.prompt, language)], { ...conversation, slots, retried: false, misses: 0 });
  }
  // No value: another intent that hands over (asking for a person) wins; else ask once more, then hand over.
  const other = matched(text, ctx);
  if (other && other.action === 'handoff' && other.id !== intent.id) return null;
  if (!conversation.retried) return act([localized(slot.retry, language) ?? localized(slot.prompt, language)], { ...conversation, retried: true });
  const reason = translate(ctx.agentLanguage, 'bot.reason_no_slot', { slot: localized(slot.label, ctx.agentLanguage) ?? slot.name });
  return handOff(conversation, reason, ctx, [], intent, conversation.slots);
}

function matched(text: string, ctx: Context): BotIntent | null {
  const match = matchIntent(text, ctx.intents);
  return match ? (ctx.intents.find((intent) => intent.id === match.intentId) ?? null) : null;
}

/**
 * The bot's answer to a customer's message. `knowledge` undefined: not asked yet (the step may be
 * `needs_knowledge`, asked only when nothing else answers); null: the knowledge base has nothing.
 * The reply's language follows the message (Cyrillic: Russian), else the conversation's.
 */
export function respond(conversation: Conversation, text: string, ctx: Context, knowledge?: KnowledgeAnswer | null): Step {
  let current: Conversation = { ...conversation, language: detectLanguage(text) ?? conversation.language };
  const { language } = current;

  if (current.feedback) {
    const answer = yesOrNo(text);
    if (answer === 'no') return handOff(current, translate(ctx.agentLanguage, 'bot.reason_knowledge', { title: current.feedback.title }), ctx);
    if (answer === 'yes') return act([translate(language, 'bot.knowledge_helped')], settled(current));
    current = { ...current, feedback: null };
  }

  if (current.intentId !== null) {
    const pending = ctx.intents.find((intent) => intent.id === current.intentId);
    const step = pending ? collect(current, pending, text, ctx) : null;
    if (step) return step;
    current = { ...current, intentId: null, slots: {}, retried: false };
  }

  const intent = matched(text, ctx);
  if (intent) return begin(current, intent, ctx);

  if (knowledge === undefined) return { kind: 'needs_knowledge' };
  if (knowledge) {
    const say = translate(language, 'bot.knowledge_answer', { title: knowledge.title, snippet: knowledge.snippet, url: knowledge.url });
    return act([say], { ...settled(current), feedback: { articleId: knowledge.articleId, title: knowledge.title } });
  }

  const misses = current.misses + 1;
  if (misses >= MAX_MISSES) return handOff(current, translate(ctx.agentLanguage, 'bot.reason_not_understood'), ctx);
  return act([translate(language, 'bot.not_understood')], { ...current, misses });
}

/**
 * The bot's first words on a new chat: a greeting, and when the customer's opening text already
 * names an intent, its answer. An opening it does not understand counts as no miss.
 */
export function greet(conversation: Conversation, openingText: string, ctx: Context): Step {
  const greeting = translate(conversation.language, 'bot.greeting');
  const intent = matched(openingText, ctx);
  return intent ? begin(conversation, intent, ctx, [greeting]) : act([greeting], conversation);
}

/** Why a customer's explicit request (the `bot:handoff` event) hands over, for the note. */
export function requestedHandoff(conversation: Conversation, ctx: Context): Step {
  return handOff(conversation, translate(ctx.agentLanguage, 'bot.reason_asked'), ctx);
}
