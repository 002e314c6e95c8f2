import { jest } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { BotService } from '#src/modules/bot/bot.service.js';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { openPlain } from './utils/plain-ws.js';
import { collect, next, request, socketPool } from './utils/socket.js';
import { twoInstances } from './utils/two-instances.js';
import { waitFor } from './utils/wait.js';

interface Message {
  id: number;
  ticket_id: number;
  content: string;
  author_type: 'client' | 'agent' | 'bot' | 'system';
  author_id: number | null;
}
interface Ticket {
  id: number;
  agent_id: number | null;
  bot_active: boolean;
  status: string;
}
interface Chat {
  socket: Socket;
  ticketId: number;
  /** Every `message:new` this customer's socket received. */
  seen: Message[];
}

/** The bot on; room enough that agents are never full however many chats earlier tests left waiting. */
const BOT_ON = { BOT_ENABLED: 'true', AGENT_CAPACITY: '1000' };

describe('the chat bot', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let bot: BotService;
  const sockets = socketPool(() => t.baseUrl);

  beforeAll(async () => {
    t = await createTestApp(BOT_ON);
    admin = await signedIn(t, { role: 'admin' });
    bot = t.app.get(BotService);
  });
  // Each test starts with no agent online (a socket closed by the last test is gone from presence).
  beforeEach(() => waitFor(async () => (await t.db.query(`SELECT 1 FROM agent_presence`)).length === 0));
  afterEach(() => {
    sockets.closeAll();
    jest.restoreAllMocks();
  });
  afterAll(() => t.close());

  const thread = async (ticketId: number): Promise<Message[]> =>
    (await t.db.query(`SELECT id, ticket_id, content, author_type, author_id FROM messages WHERE ticket_id = $1 ORDER BY id`, [ticketId])) as Message[];
  const botMessages = async (ticketId: number) => (await thread(ticketId)).filter((m) => m.author_type === 'bot');
  const ticketOf = async (ticketId: number): Promise<Ticket> => (await t.http.get(`/api/v1/tickets/${ticketId}`).set(admin.auth).expect(200)).body as Ticket;
  const notesOf = async (ticketId: number): Promise<{ content: string; author_type: string }[]> =>
    (await t.http.get(`/api/v1/tickets/${ticketId}/notes`).set(admin.auth).expect(200)).body.items;

  /** A customer opens a live chat over Socket.IO and the bot's greeting is stored (so later answers reach the room). */
  async function openChat(customer?: SignedInUser, opening = { title: 'Chat', description: 'Hello there, a question for you' }): Promise<Chat> {
    const socket = await sockets.open(customer ?? (await signedIn(t)));
    const seen = collect<Message>(socket, 'message:new');
    const ack = await request<{ ok: boolean; ticket_id: number; ticket: Ticket }>(socket, 'ticket:create', opening);
    expect(ack).toMatchObject({ ok: true, ticket: { bot_active: true, agent_id: null, status: 'open' } });
    await waitFor(async () => (await botMessages(ack.ticket_id)).length > 0);
    return { socket, ticketId: ack.ticket_id, seen };
  }

  /** Sends a customer message and waits for the bot's answers to it to be stored and sent to the room; returns them. */
  async function say(chat: Chat, content: string, answers = 1): Promise<string[]> {
    const ack = await request<{ ok: boolean; message: Message }>(chat.socket, 'message:send', { ticket_id: chat.ticketId, content });
    expect(ack.ok).toBe(true);
    const after = () => chat.seen.filter((m) => m.author_type === 'bot' && m.id > ack.message.id);
    await waitFor(() => after().length >= answers);
    return after().map((m) => m.content);
  }

  /** Sends through `send` and waits until the bot has finished with that message (it may write nothing), then returns what it wrote. */
  async function handled(ticketId: number, send: () => Promise<number>): Promise<Message[]> {
    const spy = jest.spyOn(bot, 'messageCreated');
    const messageId = await send();
    await waitFor(() => spy.mock.calls.some(([event]) => event.message.id === messageId));
    const index = spy.mock.calls.findIndex(([event]) => event.message.id === messageId);
    await spy.mock.results[index]!.value;
    return (await botMessages(ticketId)).filter((m) => m.id > messageId);
  }

  describe('the order-status dialogue', () => {
    it.each([
      ['English', 'order status', 'Your order number, please?', 'It is #12345, thanks', /All our agents are busy/],
      ['Russian', 'статус заказа', 'Номер заказа, пожалуйста?', 'номер моего заказа 12345', /все операторы заняты/],
      ['English with a typo', 'Hi, what is the ordr status?', 'Your order number, please?', '12345', /All our agents are busy/],
      ['Russian with a typo', 'подскажите статус закза', 'Номер заказа, пожалуйста?', 'Заказ №12345', /все операторы заняты/],
    ])('%s: asks for the number, notes it for the agents and hands over', async (_, ask, question, answer, waiting) => {
      const chat = await openChat();
      expect(await say(chat, ask)).toEqual([question]);
      expect(await say(chat, answer)).toEqual([expect.stringMatching(waiting)]);

      const notes = await notesOf(chat.ticketId);
      expect(notes).toEqual([expect.objectContaining({ author_type: 'bot', content: expect.stringContaining('Order number: 12345') })]);
      expect(await ticketOf(chat.ticketId)).toMatchObject({ bot_active: false, agent_id: null });
      // One thread, in order: each bot answer right after the customer's message it answers.
      const types = (await thread(chat.ticketId)).map((m) => m.author_type);
      expect(types).toEqual(['bot', 'client', 'bot', 'client', 'bot']);
    });

    it('asks once more when the answer has no number, then hands over', async () => {
      const chat = await openChat();
      await say(chat, 'where is my order?');
      expect(await say(chat, 'I do not remember it')).toEqual([expect.stringMatching(/digits/)]);
      expect(await say(chat, 'no idea, sorry')).toEqual([expect.stringMatching(/All our agents are busy/)]);
      expect((await notesOf(chat.ticketId))[0].content).toContain('Order number: not given');
    });

    it('answers in the language of the message, not of the ticket', async () => {
      const chat = await openChat(undefined, { title: 'Question', description: 'Hello, I have a question' });
      expect(await say(chat, 'Какие у вас часы работы?')).toEqual([expect.stringMatching(/Операторы работают/)]);
      expect(await say(chat, 'opening hours?')).toEqual([expect.stringMatching(/Our agents work/)]);
    });

    it('answers the opening text of a new chat after the greeting', async () => {
      const chat = await openChat(undefined, { title: 'Где мой заказ', description: 'Подскажите, где мой заказ?' });
      await waitFor(async () => (await botMessages(chat.ticketId)).length === 2);
      expect((await botMessages(chat.ticketId)).map((m) => m.content)).toEqual([expect.stringMatching(/^Здравствуйте/), 'Номер заказа, пожалуйста?']);
      expect(await say(chat, '55555')).toHaveLength(1);
      expect((await notesOf(chat.ticketId))[0].content).toContain('55555');
    });
  });

  it('answers on the plain WebSocket chat (/ws/support) the same way', async () => {
    const customer = await signedIn(t);
    const plain = await openPlain(t.baseUrl, { token: customer.token });
    try {
      plain.send({ title: 'Вопрос', description: 'Здравствуйте, у меня вопрос' });
      const { ticket_id: ticketId } = await plain.next<{ ticket_id: number; id?: number }>((frame) => frame.ticket_id !== undefined && frame.id === undefined);
      await waitFor(async () => (await botMessages(ticketId)).length > 0);
      const question = plain.next<Message>((frame) => frame.author_type === 'bot' && frame.content === 'Номер заказа, пожалуйста?');
      plain.send({ ticket_id: ticketId, content: 'статус заказа' });
      await question;
      const waiting = plain.next<Message>((frame) => frame.author_type === 'bot' && /операторы заняты/.test(frame.content));
      plain.send({ ticket_id: ticketId, content: 'вот он: #777123' });
      await waiting;
      expect((await notesOf(ticketId))[0].content).toContain('Order number: 777123');
    } finally {
      plain.ws.close();
    }
  });

  describe('the knowledge base', () => {
    it('answers from a confident article with its snippet and link, and "no" hands over', async () => {
      const agent = await signedIn(t, { role: 'agent' });
      const article = (
        await t.http
          .post('/api/v1/articles')
          .set(agent.auth)
          .send({ title: 'Damaged parcel', content: 'If your parcel arrived damaged, photograph it and send us the photos: we replace it for free.', published: true })
          .expect(201)
      ).body as { id: number };
      const chat = await openChat();
      const [answer] = await say(chat, 'my parcel arrived damaged');
      expect(answer).toContain('Damaged parcel');
      expect(answer).toContain('photograph');
      expect(answer).toContain(`/api/v1/articles/${article.id}`);
      expect(answer).toMatch(/Did this help\?/);
      expect(await say(chat, 'no')).toEqual([expect.stringMatching(/All our agents are busy/)]);
      expect((await notesOf(chat.ticketId))[0].content).toContain('Damaged parcel');
      expect((await ticketOf(chat.ticketId)).bot_active).toBe(false);
    });

    it('says it did not understand, and hands over after two such messages in a row', async () => {
      const chat = await openChat();
      expect(await say(chat, 'blorp fizzbuzz')).toEqual([expect.stringMatching(/did not get that/)]);
      expect(await say(chat, 'wibble wobble')).toEqual([expect.stringMatching(/All our agents are busy/)]);
      expect((await ticketOf(chat.ticketId)).bot_active).toBe(false);
    });
  });

  describe('hand-off', () => {
    it.each([
      ['English', 'I want to talk to a human', /An agent has taken your chat/],
      ['Russian', 'Хочу поговорить с человеком', /Оператор взял ваш чат/],
      ['Russian, one word', 'оператор!', /Оператор взял ваш чат/],
    ])('%s: an online agent with room gets the chat (ticket:assigned) and the customer is told', async (_, text, told) => {
      await signedIn(t, { role: 'agent' }); // offline, idle: never picked for a live chat
      const agent = await signedIn(t, { role: 'agent' });
      const agentSocket = await sockets.open(agent);
      const assigned = collect<Ticket>(agentSocket, 'ticket:assigned');
      const chat = await openChat();
      expect(await say(chat, text)).toEqual([expect.stringMatching(told)]);
      await waitFor(() => assigned.some((ticket) => ticket.id === chat.ticketId));
      expect(await ticketOf(chat.ticketId)).toMatchObject({ agent_id: agent.user.id, bot_active: false });
    });

    it('with no agent online, the chat waits (offline agents are passed over) and goes to the first agent who connects', async () => {
      await signedIn(t, { role: 'agent' }); // offline with room
      const chat = await openChat();
      expect(await say(chat, 'agent please')).toEqual([expect.stringMatching(/All our agents are busy/)]);
      expect(await ticketOf(chat.ticketId)).toMatchObject({ agent_id: null, bot_active: false, status: 'open' });

      const agent = await signedIn(t, { role: 'agent' });
      const told = next<Message>(chat.socket, 'message:new', (m) => m.author_type === 'bot' && /An agent has taken/.test(m.content));
      const agentSocket = await sockets.open(agent);
      const assigned = await next<Ticket>(agentSocket, 'ticket:assigned', (ticket) => ticket.id === chat.ticketId);
      expect(assigned.agent_id).toBe(agent.user.id);
      await told;
    });

    it('the customer may ask for a person with the bot:handoff event; an agent may not', async () => {
      const customer = await signedIn(t);
      const chat = await openChat(customer);
      const agent = await signedIn(t, { role: 'agent' });
      const agentSocket = await sockets.open(agent);
      expect(await request(agentSocket, 'bot:handoff', { ticket_id: chat.ticketId })).toMatchObject({ ok: false, error: { status_code: 403 } });
      expect(await request(chat.socket, 'bot:handoff', { ticket_id: 'x' })).toMatchObject({ ok: false, error: { status_code: 422 } });
      expect(await request(chat.socket, 'bot:handoff', { ticket_id: chat.ticketId })).toEqual({ ok: true, ticket_id: chat.ticketId, handed_off: true });
      await waitFor(async () => (await ticketOf(chat.ticketId)).agent_id === agent.user.id);
      expect(await request(chat.socket, 'bot:handoff', { ticket_id: chat.ticketId })).toEqual({ ok: true, ticket_id: chat.ticketId, handed_off: false });
      const other = await sockets.open(await signedIn(t));
      expect(await request(other, 'bot:handoff', { ticket_id: chat.ticketId })).toMatchObject({ ok: false, error: { status_code: 404 } });
    });
  });

  describe('when the bot stays silent', () => {
    it('after the hand-off', async () => {
      const chat = await openChat();
      await say(chat, 'I want to talk to a human');
      const customer = chat.socket;
      const written = await handled(chat.ticketId, async () => {
        const ack = await request<{ message: Message }>(customer, 'message:send', { ticket_id: chat.ticketId, content: 'order status' });
        return ack.message.id;
      });
      expect(written).toEqual([]);
    });

    it('to agents, whose public reply takes the chat from the bot', async () => {
      const chat = await openChat();
      const agent = await signedIn(t, { role: 'agent' });
      const written = await handled(chat.ticketId, async () => {
        const res = await t.http.post(`/api/v1/tickets/${chat.ticketId}/messages`).set(agent.auth).send({ content: 'order status' }).expect(201);
        return (res.body as Message).id;
      });
      expect(written).toEqual([]);
      expect((await ticketOf(chat.ticketId)).bot_active).toBe(false);
      // The agent who answered has the chat now.
      await waitFor(async () => (await ticketOf(chat.ticketId)).agent_id === agent.user.id);
      const after = await handled(chat.ticketId, async () => (await request<{ message: Message }>(chat.socket, 'message:send', { ticket_id: chat.ticketId, content: 'order status' })).message.id);
      expect(after).toEqual([]);
    });

    it('on a ticket that came by e-mail, and on tickets opened over REST', async () => {
      const customer = await signedIn(t);
      const mailed = await createTicket(t.db, { clientId: customer.user.id, source: 'email', botState: 'active' });
      const written = await handled(mailed.id, async () => {
        const res = await t.http.post(`/api/v1/tickets/${mailed.id}/messages`).set(customer.auth).send({ content: 'order status' }).expect(201);
        return (res.body as Message).id;
      });
      expect(written).toEqual([]);

      const web = (await t.http.post('/api/v1/tickets').set(customer.auth).send({ title: 'Order', description: 'Where is my order?' }).expect(201)).body as Ticket;
      expect(web.bot_active).toBe(false);
      const onWeb = await handled(web.id, async () => {
        const res = await t.http.post(`/api/v1/tickets/${web.id}/messages`).set(customer.auth).send({ content: 'order status' }).expect(201);
        return (res.body as Message).id;
      });
      expect(onWeb).toEqual([]);
    });

    it('on a queue whose bot is switched off: its live chats go straight to agents', async () => {
      const queue = (await t.http.post('/api/v1/queues').set(admin.auth).send({ name: 'VIP', bot_enabled: false }).expect(201)).body as { id: number; bot_enabled: boolean };
      expect(queue.bot_enabled).toBe(false);
      const socket = await sockets.open(await signedIn(t));
      const ack = await request<{ ticket_id: number; ticket: Ticket }>(socket, 'ticket:create', { title: 'VIP', description: 'Where is my order?', queue_id: queue.id });
      expect(ack.ticket.bot_active).toBe(false);
      const written = await handled(ack.ticket_id, async () => (await request<{ message: Message }>(socket, 'message:send', { ticket_id: ack.ticket_id, content: 'order status' })).message.id);
      expect(written).toEqual([]);
      expect(await botMessages(ack.ticket_id)).toEqual([]);

      await t.http.patch(`/api/v1/queues/${queue.id}`).set(admin.auth).send({ bot_enabled: true }).expect(200);
      const again = await request<{ ticket: Ticket }>(socket, 'ticket:create', { title: 'VIP', description: 'Hello there, a question', queue_id: queue.id });
      expect(again.ticket.bot_active).toBe(true);
    });

    it('about its own messages: one answer per customer message', async () => {
      const chat = await openChat();
      const written = await handled(chat.ticketId, async () => (await request<{ message: Message }>(chat.socket, 'message:send', { ticket_id: chat.ticketId, content: 'thanks!' })).message.id);
      expect(written.map((m) => m.content)).toEqual([expect.stringMatching(/welcome/)]);
      // The bot's own message.created was handled too, and wrote nothing.
      const own = await handled(chat.ticketId, async () => written[0].id);
      expect(own).toEqual([]);
    });

    it('when the bot fails: the customer’s message is stored and acknowledged all the same, and the chat goes to people', async () => {
      const chat = await openChat();
      jest.spyOn(t.app.get(BotService) as unknown as { intents: () => Promise<unknown> }, 'intents').mockRejectedValue(new Error('intents unavailable'));
      const written = await handled(chat.ticketId, async () => {
        const ack = await request<{ ok: boolean; message: Message }>(chat.socket, 'message:send', { ticket_id: chat.ticketId, content: 'order status' });
        expect(ack.ok).toBe(true);
        return ack.message.id;
      });
      // No answer from the bot, only the hand-over: nobody is online, so the chat waits in its queue.
      expect(written.map((m) => m.content)).toEqual([expect.stringMatching(/All our agents are busy/)]);
      expect((await thread(chat.ticketId)).find((m) => m.author_type === 'client' && m.content === 'order status')).toBeDefined();
      expect(await ticketOf(chat.ticketId)).toMatchObject({ bot_active: false });
    });
  });

  describe('intents as data', () => {
    const intent = {
      key: 'invoice_copy',
      phrases: { en: ['invoice copy', 'copy of my invoice'], ru: ['копия счета'] },
      reply: { en: 'Invoices are under Billing, Documents.', ru: 'Счета лежат в разделе Оплата, Документы.' },
    };

    it('are listed, added, changed and deleted by admins, and each change applies to the next message', async () => {
      const seeded = (await t.http.get('/api/v1/bot/intents?limit=100').set(admin.auth).expect(200)).body.items as { key: string }[];
      expect(seeded.map((i) => i.key)).toEqual(expect.arrayContaining(['order_status', 'password_reset', 'refund', 'delivery_time', 'opening_hours', 'human', 'thanks']));

      const chat = await openChat();
      expect(await say(chat, 'I need an invoice copy')).toEqual([expect.stringMatching(/did not get that/)]);

      const created = (await t.http.post('/api/v1/bot/intents').set(admin.auth).send(intent).expect(201)).body as { id: number };
      expect(created).toMatchObject({ key: 'invoice_copy', slots: [], action: 'none', enabled: true, reply: intent.reply });
      expect(await say(chat, 'I need an invoice copy')).toEqual(['Invoices are under Billing, Documents.']);
      expect(await say(chat, 'Нужна копия счёта')).toEqual(['Счета лежат в разделе Оплата, Документы.']);

      await t.http.patch(`/api/v1/bot/intents/${created.id}`).set(admin.auth).send({ reply: { en: 'See Billing.' } }).expect(200);
      expect(await say(chat, 'invoice copy please')).toEqual(['See Billing.']);

      await t.http.patch(`/api/v1/bot/intents/${created.id}`).set(admin.auth).send({ enabled: false }).expect(200);
      expect(await say(chat, 'invoice copy please')).toEqual([expect.stringMatching(/did not get that/)]);

      await t.http.delete(`/api/v1/bot/intents/${created.id}`).set(admin.auth).expect(204);
      await t.http.delete(`/api/v1/bot/intents/${created.id}`).set(admin.auth).expect(404);
    });

    it('an intent with a slot collects it and hands over with it in the note', async () => {
      const created = (
        await t.http
          .post('/api/v1/bot/intents')
          .set(admin.auth)
          .send({
            key: 'warranty_claim',
            phrases: { en: ['warranty claim'] },
            slots: [{ name: 'serial', type: 'text', label: { en: 'Serial number' }, prompt: { en: 'The serial number, please?' } }],
            action: 'handoff',
          })
          .expect(201)
      ).body as { id: number };
      const chat = await openChat();
      expect(await say(chat, 'I have a warranty claim')).toEqual(['The serial number, please?']);
      await say(chat, 'SN-77-AB');
      expect((await notesOf(chat.ticketId))[0].content).toContain('Serial number: SN-77-AB');
      await t.http.delete(`/api/v1/bot/intents/${created.id}`).set(admin.auth).expect(204);
    });

    it('take the action and slot types in any case and answer them in lower case, on create and on change', async () => {
      const created = (
        await t.http
          .post('/api/v1/bot/intents')
          .set(admin.auth)
          .send({
            key: 'shouted_enums',
            phrases: { en: ['shouted enums'] },
            reply: { en: 'Heard you.' },
            slots: [{ name: 'order', type: 'NUMBER', label: { en: 'Order' }, prompt: { en: 'Order number?' } }],
            action: 'NONE',
            enabled: true,
          })
          .expect(201)
      ).body as { id: number };
      expect(created).toMatchObject({ action: 'none', slots: [{ name: 'order', type: 'number' }] });

      const changed = await t.http
        .patch(`/api/v1/bot/intents/${created.id}`)
        .set(admin.auth)
        .send({ action: 'Handoff', slots: [{ name: 'mail', type: 'Email', label: { en: 'E-mail' }, prompt: { en: 'Your e-mail?' } }] })
        .expect(200);
      expect(changed.body).toMatchObject({ action: 'handoff', slots: [{ name: 'mail', type: 'email' }] });
      const listed = (await t.http.get('/api/v1/bot/intents?limit=100').set(admin.auth).expect(200)).body.items as { id: number }[];
      expect(listed.find((i) => i.id === created.id)).toMatchObject({ action: 'handoff', slots: [{ type: 'email' }] });

      await t.http.patch(`/api/v1/bot/intents/${created.id}`).set(admin.auth).send({ action: 'hand off' }).expect(422);
      await t.http.delete(`/api/v1/bot/intents/${created.id}`).set(admin.auth).expect(204);
    });

    it.each([
      ['phrases of little words only', { ...intent, key: 'stop_words', phrases: { en: ['the', 'hello please'] } }, 422],
      ['no reply, slots or hand-off', { key: 'mute', phrases: { en: ['mute me'] } }, 422],
      ['a bad key', { ...intent, key: 'Not A Key' }, 422],
      ['an unknown slot type', { ...intent, key: 'slotty', slots: [{ name: 'x', type: 'date', label: { en: 'X' }, prompt: { en: 'X?' } }] }, 422],
      ['an unknown field', { ...intent, key: 'extra', priority: 1 }, 422],
      ['a taken key', { ...intent, key: 'order_status' }, 409],
    ])('refuses %s', async (_, body, status) => {
      const res = await t.http.post('/api/v1/bot/intents').set(admin.auth).send(body).expect(status);
      expect(res.body).toMatchObject({ status_code: status });
    });

    it('are for admins only', async () => {
      const agent = await signedIn(t, { role: 'agent' });
      await t.http.get('/api/v1/bot/intents').set(agent.auth).expect(403);
      await t.http.post('/api/v1/bot/intents').set(agent.auth).send(intent).expect(403);
    });
  });
});

describe('the chat bot on two instances', () => {
  let a: TestApp;
  let b: TestApp;
  const { sockets } = twoInstances(BOT_ON, (first, second) => {
    a = first;
    b = second;
  });

  it('answers each customer message once, from the instance that stored it, and sees an intent added on the other at once', async () => {
    const customer = await signedIn(a);
    const admin = await signedIn(a, { role: 'admin' });
    const { connect } = await import('./utils/socket.js');
    const onA = await connect(a.baseUrl, customer.token);
    const onB = await connect(b.baseUrl, customer.token);
    sockets.push(onA, onB);
    const seenOnB = collect<Message>(onB, 'message:new');
    const { ticket_id: ticketId } = await request<{ ticket_id: number }>(onA, 'ticket:create', { title: 'Chat', description: 'Hello there, a question' });
    await request(onB, 'ticket:join', { ticket_id: ticketId });
    await waitFor(async () => (await a.db.query(`SELECT 1 FROM messages WHERE ticket_id = $1 AND author_type = 'bot'`, [ticketId])).length > 0);
    await b.http.post('/api/v1/bot/intents').set(admin.auth).send({ key: 'gift_wrap', phrases: { en: ['gift wrap'] }, reply: { en: 'We wrap gifts for free.' } }).expect(201);

    const sent = await request<{ message: Message }>(onA, 'message:send', { ticket_id: ticketId, content: 'can you gift wrap it?' });
    await waitFor(() => seenOnB.some((m) => m.author_type === 'bot' && m.id > sent.message.id));
    // A later message's answer arrives after any second answer to the first would have.
    const second = await request<{ message: Message }>(onB, 'message:send', { ticket_id: ticketId, content: 'thanks' });
    await waitFor(() => seenOnB.some((m) => m.author_type === 'bot' && m.id > second.message.id));
    const rows = (await a.db.query(`SELECT author_type, content FROM messages WHERE ticket_id = $1 AND id > $2 ORDER BY id`, [ticketId, sent.message.id])) as Message[];
    expect(rows.map((m) => [m.author_type, m.content])).toEqual([
      ['bot', 'We wrap gifts for free.'],
      ['client', 'thanks'],
      ['bot', expect.stringMatching(/welcome/)],
    ]);
  });
});

describe('the chat bot on a fresh install, where the admin is the only staff member', () => {
  let t: TestApp;
  let admin: SignedInUser;
  const sockets = socketPool(() => t.baseUrl);

  beforeEach(async () => {
    t = await createTestApp(BOT_ON);
    admin = await signedIn(t, { role: 'admin' });
  });
  afterEach(async () => {
    sockets.closeAll();
    await t.close();
  });

  /** A customer opens a live chat, waits for the greeting, and asks for a person; resolves with the bot's answer to that. */
  async function askForAPerson(): Promise<{ ticketId: number; answer: string }> {
    const customer = await sockets.open(await signedIn(t));
    const seen = collect<Message>(customer, 'message:new');
    const { ticket_id: ticketId } = await request<{ ticket_id: number }>(customer, 'ticket:create', { title: 'Chat', description: 'Hello there, a question for you' });
    await waitFor(() => seen.some((m) => m.author_type === 'bot'));
    const sent = await request<{ ok: boolean; message: Message }>(customer, 'message:send', { ticket_id: ticketId, content: 'I want to talk to a human' });
    expect(sent.ok).toBe(true);
    const answered = () => seen.find((m) => m.author_type === 'bot' && m.id > sent.message.id);
    await waitFor(() => answered() !== undefined);
    return { ticketId, answer: answered()!.content };
  }

  const agentOf = async (ticketId: number): Promise<number | null> => (await t.db.query('SELECT agent_id FROM tickets WHERE id = $1', [ticketId]))[0].agent_id;

  it('hands the chat to the admin answering from the console (online), who gets ticket:assigned', async () => {
    const adminSocket = await sockets.open(admin);
    const assigned = collect<Ticket>(adminSocket, 'ticket:assigned');
    const { ticketId, answer } = await askForAPerson();
    expect(answer).toMatch(/An agent has taken your chat/);
    await waitFor(() => assigned.some((ticket) => ticket.id === ticketId));
    expect(await agentOf(ticketId)).toBe(admin.user.id);
  });

  it('passes over an admin who is not connected: the chat waits, and goes to the admin once it connects', async () => {
    const { ticketId, answer } = await askForAPerson();
    expect(answer).toMatch(/All our agents are busy/);
    expect(await agentOf(ticketId)).toBeNull();
    const adminSocket = await sockets.open(admin);
    const assigned = await next<Ticket>(adminSocket, 'ticket:assigned', (ticket) => ticket.id === ticketId);
    expect(assigned.agent_id).toBe(admin.user.id);
  });
});
