import { randomBytes } from 'node:crypto';
import { createTicket } from '../factories/tickets.factory.js';
import { type SignedInUser, signedIn } from '../factories/users.factory.js';
import type { TestApp } from '../utils/create-test-app.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';

/**
 * One of each object a route's path can name, all real rows, and a user of each role: `owner` is the
 * client whose ticket it is (with its message, which carries a file, and an agent's note); `otherClient` owns nothing here.
 */
export interface World {
  owner: SignedInUser;
  otherClient: SignedInUser;
  agent: SignedInUser;
  admin: SignedInUser;
  ticketId: number;
  messageId: number;
  noteId: number;
  queueId: number;
  /** A business calendar (SLA). */
  calendarId: number;
  /** A file on the message. */
  attachmentId: number;
  /** A mailed password link's token: unknown in the base world, a usable one of `owner` when made fresh. */
  passwordToken: string;
  /** A published knowledge-base article. */
  articleId: number;
  /** A shared canned response of the agent's. */
  cannedResponseId: number;
  /** A webhook endpoint (to a closed loopback port: its deliveries fail, which is fine). */
  webhookId: number;
  /** A custom ticket field. */
  customFieldId: number;
  /** A chat bot intent. */
  intentId: number;
}

/** What a call that deletes or revokes needs made anew: an object, or the users themselves (a password change). */
export type Fresh =
  | 'tokens'
  | 'users'
  | 'message'
  | 'note'
  | 'queue'
  | 'calendar'
  | 'attachment'
  | 'passwordLink'
  | 'article'
  | 'cannedResponse'
  | 'resolvedTicket'
  | 'webhook'
  | 'customField'
  | 'intent';

/** A valid bot intent with a key of its own. */
export const intentBody = () => ({ key: fieldKey(), phrases: { en: ['sweep question'] }, reply: { en: 'A sweep answer' } });

export const CALENDAR = { time_zone: 'Europe/Berlin', working_hours: { mon: ['09:00-17:00'], fri: ['09:00-15:00'] }, holidays: ['2026-12-25'] };

export const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

/** A new custom-field key (lower case, digits, underscores). */
export const fieldKey = () => unique('sweep').replace('-', '_');

/** A small text file, as the multipart field `file`. */
export const SAMPLE_FILE = { bytes: Buffer.from('sweep sample\n'), filename: 'sample.txt', contentType: 'text/plain' };

async function ok<T = { id: number }>(response: PromiseLike<{ status: number; body: unknown }>, status: number, what: string): Promise<T> {
  const res = await response;
  if (res.status !== status) throw new Error(`making the sweep's ${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

const upload = (t: TestApp, who: SignedInUser, messageId: number) =>
  ok(
    t.http
      .post(`/api/v1/messages/${messageId}/attachments`)
      .set(who.auth)
      .attach('file', SAMPLE_FILE.bytes, { filename: SAMPLE_FILE.filename, contentType: SAMPLE_FILE.contentType }),
    201,
    'attachment',
  );

/** Objects made through the API, as users make them. */
const make = {
  message: (t: TestApp, w: Pick<World, 'owner' | 'ticketId'>) =>
    ok(t.http.post(`/api/v1/tickets/${w.ticketId}/messages`).set(w.owner.auth).send({ content: 'A message' }), 201, 'message'),
  note: (t: TestApp, w: Pick<World, 'agent' | 'ticketId'>) =>
    ok(t.http.post(`/api/v1/tickets/${w.ticketId}/notes`).set(w.agent.auth).send({ content: 'A note' }), 201, 'note'),
  queue: (t: TestApp, w: Pick<World, 'admin'>) => ok(t.http.post('/api/v1/queues').set(w.admin.auth).send({ name: unique('Queue') }), 201, 'queue'),
  calendar: (t: TestApp, w: Pick<World, 'admin'>) =>
    ok(t.http.post('/api/v1/sla/calendars').set(w.admin.auth).send({ name: unique('Calendar'), ...CALENDAR }), 201, 'calendar'),
  article: (t: TestApp, w: Pick<World, 'agent'>) =>
    ok(t.http.post('/api/v1/articles').set(w.agent.auth).send({ title: unique('Article'), content: 'How to reset a password', published: true }), 201, 'article'),
  cannedResponse: (t: TestApp, w: Pick<World, 'agent'>) =>
    ok(
      t.http.post('/api/v1/canned-responses').set(w.agent.auth).send({ shortcut: unique('sweep'), title: 'Sweep', content: 'Hello {{customer.name}}', shared: true }),
      201,
      'canned response',
    ),
  /** A ticket of the owner's, resolved a moment ago (a rating's object). */
  resolvedTicket: async (t: TestApp, w: Pick<World, 'owner'>) => ({
    id: (await createTicket(t.db, { clientId: w.owner.user.id, status: 'resolved', resolvedAt: new Date() })).id,
  }),
  webhook: (t: TestApp, w: Pick<World, 'admin'>) =>
    ok(t.http.post('/api/v1/webhooks').set(w.admin.auth).send({ url: 'http://127.0.0.1:9/sweep', events: ['rating.created'] }), 201, 'webhook'),
  customField: (t: TestApp, w: Pick<World, 'admin'>) =>
    ok(t.http.post('/api/v1/custom-fields').set(w.admin.auth).send({ key: fieldKey(), label: 'Sweep field', type: 'text' }), 201, 'custom field'),
  intent: (t: TestApp, w: Pick<World, 'admin'>) => ok(t.http.post('/api/v1/bot/intents').set(w.admin.auth).send(intentBody()), 201, 'intent'),
};

const signedInUsers = (t: TestApp) =>
  Promise.all([signedIn(t), signedIn(t), signedIn(t, { role: 'agent' }), signedIn(t, { role: 'admin' })]).then(([owner, otherClient, agent, admin]) => ({
    owner,
    otherClient,
    agent,
    admin,
  }));

/** Makes a world through the factories and the API (messages, notes and files as users make them). */
export async function makeWorld(t: TestApp): Promise<World> {
  const users = await signedInUsers(t);
  const ticketId = (await createTicket(t.db, { clientId: users.owner.user.id })).id;
  const w = { ...users, ticketId };
  const [message, note, queue, calendar, article, canned, webhook, customField, intent] = await Promise.all([
    make.message(t, w),
    make.note(t, w),
    make.queue(t, w),
    make.calendar(t, w),
    make.article(t, w),
    make.cannedResponse(t, w),
    make.webhook(t, w),
    make.customField(t, w),
    make.intent(t, w),
  ]);
  const file = await upload(t, users.owner, message.id);
  await keepMailSource(t, ticketId, message.id);
  return {
    ...w,
    messageId: message.id,
    noteId: note.id,
    queueId: queue.id,
    calendarId: calendar.id,
    attachmentId: file.id,
    passwordToken: 'sweep-unknown-link',
    articleId: article.id,
    cannedResponseId: canned.id,
    webhookId: webhook.id,
    customFieldId: customField.id,
    intentId: intent.id,
  };
}

/** The ticket and its message as if they had come by mail, so the raw-source routes have something to send. */
async function keepMailSource(t: TestApp, ticketId: number, messageId: number): Promise<void> {
  const raw = Buffer.from('From: owner@example.test\r\nSubject: Sweep\r\n\r\nSweep mail\r\n');
  await t.db.query(`INSERT INTO mailboxes (key) VALUES ('sweep@imap.example.test:993/INBOX') ON CONFLICT (key) DO NOTHING`);
  await t.db.query(
    `INSERT INTO inbound_mails (mailbox_id, uid_validity, uid, dedup_key, status, ticket_id, ticket_message_id, size, raw)
     SELECT id, 1, n, $3 || n, 'ingested', $1, CASE WHEN n = 2 THEN $2::int END, $4, $5
       FROM mailboxes, generate_series(1, 2) AS n WHERE key = 'sweep@imap.example.test:993/INBOX'`,
    [ticketId, messageId, unique('sweep-mail'), raw.length, raw],
  );
}

/**
 * For a call that deletes its object or ends its token: the same world with new tokens for its users
 * and a new object of the kind named (or, for 'users', new users: a password change ends the others' tokens).
 */
export async function refreshWorld(t: TestApp, world: World, fresh: Fresh): Promise<World> {
  if (fresh === 'users') return { ...world, ...(await signedInUsers(t)) };
  if (fresh === 'passwordLink') {
    // New users (the link sets the owner's password and ends its tokens) and a link of the owner's, as one is mailed.
    const users = await signedInUsers(t);
    const passwordToken = unique('link');
    await t.db.query(
      `INSERT INTO password_tokens (user_id, token_hash, purpose, expires_at) VALUES ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'), 'reset', now() + interval '1 hour')`,
      [users.owner.user.id, passwordToken],
    );
    return { ...world, ...users, passwordToken };
  }
  const tokens = t.app.get(TokensService);
  const reissue = async (who: SignedInUser): Promise<SignedInUser> => {
    const { access_token } = await tokens.issue(who.user);
    return { user: who.user, token: access_token, auth: { Authorization: `Bearer ${access_token}` } };
  };
  const [owner, otherClient, agent, admin] = await Promise.all([world.owner, world.otherClient, world.agent, world.admin].map(reissue));
  const w = { ...world, owner, otherClient, agent, admin };
  if (fresh === 'message') return { ...w, messageId: (await make.message(t, w)).id };
  if (fresh === 'note') return { ...w, noteId: (await make.note(t, w)).id };
  if (fresh === 'queue') return { ...w, queueId: (await make.queue(t, w)).id };
  if (fresh === 'calendar') return { ...w, calendarId: (await make.calendar(t, w)).id };
  if (fresh === 'article') return { ...w, articleId: (await make.article(t, w)).id };
  if (fresh === 'cannedResponse') return { ...w, cannedResponseId: (await make.cannedResponse(t, w)).id };
  if (fresh === 'resolvedTicket') return { ...w, ticketId: (await make.resolvedTicket(t, w)).id };
  if (fresh === 'webhook') return { ...w, webhookId: (await make.webhook(t, w)).id };
  if (fresh === 'customField') return { ...w, customFieldId: (await make.customField(t, w)).id };
  if (fresh === 'intent') return { ...w, intentId: (await make.intent(t, w)).id };
  if (fresh === 'attachment') return { ...w, attachmentId: (await upload(t, owner, w.messageId)).id };
  return w;
}

/** The real object a path parameter names, by the resource it follows (`/tickets/{id}`, `/attachments/note/{note_id}`). */
export function pathIds(path: string, world: World): Record<string, number | string> {
  const ids: Record<string, number | string> = {};
  for (const match of path.matchAll(/([a-z_-]+)\/\{([a-z_]+)\}/g)) {
    const [, resource, param] = match;
    const byResource: Record<string, number | string> = {
      tickets: world.ticketId,
      ticket: world.ticketId,
      calendars: world.calendarId,
      policies: 'high',
      messages: world.messageId,
      message: world.messageId,
      notes: world.noteId,
      note: world.noteId,
      queues: world.queueId,
      users: world.owner.user.id,
      attachments: world.attachmentId,
      articles: world.articleId,
      'canned-responses': world.cannedResponseId,
      webhooks: world.webhookId,
      'custom-fields': world.customFieldId,
      intents: world.intentId,
    };
    if (!(resource in byResource)) throw new Error(`no object in the sweep's world for {${param}} in ${path}: add one to pathIds`);
    ids[param] = byResource[resource];
  }
  return ids;
}

/** `path` with each `{param}` replaced (by `ids`, or by a raw string for every parameter). */
export function fillPath(path: string, ids: Record<string, number | string> | string): string {
  return path.replace(/\{([a-z_]+)\}/g, (_, param: string) => String(typeof ids === 'string' ? ids : ids[param]));
}
