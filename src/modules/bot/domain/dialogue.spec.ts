import { readFileSync } from 'node:fs';
import { type BotIntent, type Conversation, greet, newConversation, respond, type Step } from '#src/modules/bot/domain/dialogue.js';

const seed = JSON.parse(readFileSync(new URL('../intents.seed.json', import.meta.url), 'utf8')) as { intents: Omit<BotIntent, 'id'>[] };
const intents: BotIntent[] = seed.intents.map((intent, i) => ({ ...intent, id: i + 1 }));
const ctx = { intents, agentLanguage: 'en' as const };
const idOf = (key: string) => intents.find((intent) => intent.id && intent.key === key)!.id;

/** Plays a dialogue: each customer message in turn (no knowledge-base answer), returning every step. */
function play(messages: string[], start: Conversation = newConversation('en')): Extract<Step, { kind: 'act' }>[] {
  let conversation = start;
  return messages.map((text) => {
    let step = respond(conversation, text, ctx);
    if (step.kind === 'needs_knowledge') step = respond(conversation, text, ctx, null);
    if (step.kind !== 'act') throw new Error('needs knowledge twice');
    conversation = step.next;
    return step;
  });
}

describe('the bot dialogue', () => {
  it.each([
    ['en', ['order status', 'It is #12345, thanks'], 'Your order number, please?', 'Order number: 12345'],
    ['ru', ['статус заказа', 'номер 12345'], 'Номер заказа, пожалуйста?', 'Order number: 12345'],
    ['en', ['ordr status', '12345'], 'Your order number, please?', 'Order number: 12345'],
  ])('%s: asks for the order number, captures it into a note and hands over', (_, messages, question, note) => {
    const [asked, answered] = play(messages);
    expect(asked).toMatchObject({ say: [question], handoff: false, note: null });
    expect(asked.next.intentId).toBe(idOf('order_status'));
    expect(answered.handoff).toBe(true);
    expect(answered.say).toEqual([]);
    expect(answered.note).toContain(note);
    expect(answered.next).toMatchObject({ intentId: null, slots: {}, misses: 0 });
  });

  it('asks once more for a number, then hands over saying none was given', () => {
    const [, again, gaveUp] = play(['order status', 'I do not remember', 'still no idea']);
    expect(again).toMatchObject({ handoff: false });
    expect(again.say[0]).toMatch(/digits/);
    expect(gaveUp.handoff).toBe(true);
    expect(gaveUp.note).toContain('Order number: not given');
  });

  it('hands over at once when the customer asks for a person while a number is awaited', () => {
    const [, human] = play(['order status', 'just give me an operator']);
    expect(human.handoff).toBe(true);
  });

  it.each([
    ['en', 'I want to talk to a human'],
    ['ru', 'Хочу поговорить с человеком'],
    ['ru', 'оператор'],
  ])('%s: %j hands over', (_, text) => {
    expect(play([text])[0]).toMatchObject({ handoff: true });
  });

  it('answers in the language of the message, falling back to the conversation’s', () => {
    const [ru] = play(['часы работы'], newConversation('en'));
    expect(ru.say[0]).toMatch(/Операторы работают/);
    expect(ru.next.language).toBe('ru');
    const [number] = play(['12345'], { ...newConversation('ru'), intentId: idOf('order_status') });
    expect(number.handoff).toBe(true);
    const [noLetters] = play(['???'], newConversation('ru'));
    expect(noLetters.say[0]).toMatch(/Извините/);
  });

  it('hands over after two unanswered messages in a row, and a match in between resets the count', () => {
    expect(play(['blorp', 'fizzbuzz']).map((s) => s.handoff)).toEqual([false, true]);
    expect(play(['blorp', 'opening hours', 'fizzbuzz']).map((s) => s.handoff)).toEqual([false, false, false]);
  });

  it('asks the knowledge base only when no intent answers, offers the article, and "no" hands over', () => {
    const start = newConversation('en');
    expect(respond(start, 'opening hours', ctx).kind).toBe('act');
    expect(respond(start, 'my invoice is wrong', ctx)).toEqual({ kind: 'needs_knowledge' });
    const article = { articleId: 7, title: 'Wrong invoices', snippet: 'Write to billing with the invoice number.', url: 'http://x/api/v1/articles/7' };
    const offered = respond(start, 'my invoice is wrong', ctx, article);
    if (offered.kind !== 'act') throw new Error('no answer');
    expect(offered.say[0]).toContain('Wrong invoices');
    expect(offered.say[0]).toContain('http://x/api/v1/articles/7');
    expect(offered.say[0]).toMatch(/Did this help\?/);
    const no = respond(offered.next, 'no', ctx);
    expect(no).toMatchObject({ kind: 'act', handoff: true });
    expect((no as { note: string }).note).toContain('Wrong invoices');
    const yes = respond(offered.next, 'yes, thanks', ctx);
    expect(yes).toMatchObject({ kind: 'act', handoff: false, say: ['Glad it helped! Anything else?'] });
  });

  it('greets a new chat, answering its opening text when it names an intent', () => {
    expect(greet(newConversation('ru'), 'Не работает сайт', ctx)).toMatchObject({ say: [expect.stringMatching(/Здравствуйте/)], handoff: false });
    const step = greet(newConversation('en'), 'Where is my order?', ctx);
    expect(step).toMatchObject({ say: [expect.stringMatching(/^Hi!/), 'Your order number, please?'] });
  });

  it('uses an intent added at run time, and forgets one that is gone', () => {
    const custom: BotIntent = { id: 99, key: 'invoice', phrases: { en: ['invoice copy'] }, reply: { en: 'Invoices are under Billing.' }, slots: [], action: 'none' };
    const step = respond(newConversation('en'), 'I need an invoice copy', { ...ctx, intents: [...intents, custom] });
    expect(step).toMatchObject({ say: ['Invoices are under Billing.'], handoff: false });
    const orphan = respond({ ...newConversation('en'), intentId: 12345 }, 'thank you', ctx);
    expect(orphan).toMatchObject({ say: [expect.stringMatching(/welcome/)] });
  });
});
