import { type IntentDraft, intentProblems } from '#src/modules/bot/domain/intent-rules.js';

const base: IntentDraft = { phrases: { en: ['invoice copy'] }, reply: { en: 'Under Billing.' }, slots: [], action: 'none' };
const slot = (name: string, prompt: Record<string, string> = { en: 'Which?' }) => ({ name, type: 'text' as const, label: { en: name }, prompt });

describe('intentProblems', () => {
  it.each([
    ['a reply', base, []],
    ['slots and no reply', { ...base, reply: null, slots: [slot('serial')], action: 'handoff' as const }, []],
    ['a hand-off alone', { ...base, reply: null, action: 'handoff' as const }, []],
    ['Russian phrases only', { ...base, phrases: { ru: ['копия счета'] } }, []],
  ])('accepts %s', (_, intent, problems) => {
    expect(intentProblems(intent)).toEqual(problems);
  });

  it.each([
    ['no phrase at all', { ...base, phrases: {} }, 'phrases'],
    ['empty phrase lists', { ...base, phrases: { en: [], ru: [] } }, 'phrases'],
    ['a phrase of little words only', { ...base, phrases: { en: ['invoice copy', 'hello please'] } }, 'phrases'],
    ['a Russian phrase of little words only', { ...base, phrases: { ru: ['здравствуйте, пожалуйста'] } }, 'phrases'],
    ['nothing said and no hand-off', { ...base, reply: null }, 'reply'],
    ['a blank reply and no hand-off', { ...base, reply: { en: '   ' } }, 'reply'],
    ['two slots of one name', { ...base, slots: [slot('serial'), slot('serial')] }, 'slots'],
    ['a slot without a prompt', { ...base, slots: [slot('serial', {})] }, 'slots.0.prompt'],
  ])('refuses %s', (_, intent, field) => {
    expect(intentProblems(intent).map((problem) => problem.field)).toContain(field);
  });
});
