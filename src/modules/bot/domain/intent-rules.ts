import type { IntentAction, Localized, SlotSpec } from '#src/modules/bot/domain/dialogue.js';
import { contentWords } from '#src/modules/bot/domain/text.js';

/** An intent as an admin writes it (after the request's shape is checked). */
export interface IntentDraft {
  phrases: Partial<Record<string, string[]>>;
  reply: Localized | null;
  slots: SlotSpec[];
  action: IntentAction;
}

export interface Problem {
  field: string;
  problems: string[];
}

const hasText = (text: Localized | null | undefined) => Object.values(text ?? {}).some((value) => typeof value === 'string' && value.trim() !== '');

/**
 * What makes an intent useless or ambiguous, beyond its shape: a phrase of stop words only never
 * matches; an intent must say something or hand over; slot names are unique and each slot asks.
 * Empty: the intent is fine.
 */
export function intentProblems(intent: IntentDraft): Problem[] {
  const problems: Problem[] = [];
  const phrases = Object.values(intent.phrases).flat().filter((phrase): phrase is string => typeof phrase === 'string');
  if (phrases.length === 0) problems.push({ field: 'phrases', problems: ['phrases must have at least one phrase in en or ru'] });
  const empty = phrases.filter((phrase) => contentWords(phrase).length === 0);
  if (empty.length > 0) {
    problems.push({ field: 'phrases', problems: [`every phrase needs a word besides greetings and little words (${empty.map((p) => JSON.stringify(p)).join(', ')} has none)`] });
  }
  if (!hasText(intent.reply) && intent.slots.length === 0 && intent.action !== 'handoff') {
    problems.push({ field: 'reply', problems: ['an intent without slots or a hand-off must have a reply'] });
  }
  const names = intent.slots.map((slot) => slot.name);
  if (new Set(names).size !== names.length) problems.push({ field: 'slots', problems: ['slot names must be unique'] });
  intent.slots.forEach((slot, i) => {
    if (!hasText(slot.prompt)) problems.push({ field: `slots.${i}.prompt`, problems: ['a slot must have a prompt in en or ru'] });
  });
  return problems;
}
