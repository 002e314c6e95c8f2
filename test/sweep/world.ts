import { randomBytes } from 'node:crypto';
import { createTicket } from '../factories/tickets.factory.js';
import { type SignedInUser, signedIn } from '../factories/users.factory.js';
import type { TestApp } from '../utils/create-test-app.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';

/**
 * One of each object a route's path can name, all real rows, and a user of each role: `owner` is the
 * client whose ticket (with a message, a note and a file on each) it is; `otherClient` owns nothing here.
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
  /** A file on the message. */
  attachmentId: number;
}

export const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

/** A small text file, as the multipart field `file`. */
export const SAMPLE_FILE = { bytes: Buffer.from('sweep sample\n'), filename: 'sample.txt', contentType: 'text/plain' };

async function ok<T = { id: number }>(response: PromiseLike<{ status: number; body: unknown }>, status: number, what: string): Promise<T> {
  const res = await response;
  if (res.status !== status) throw new Error(`making the sweep's ${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/** Makes a world through the factories and the API (messages, notes and files as users make them). */
export async function makeWorld(t: TestApp): Promise<World> {
  const [owner, otherClient, agent, admin] = await Promise.all([
    signedIn(t),
    signedIn(t),
    signedIn(t, { role: 'agent' }),
    signedIn(t, { role: 'admin' }),
  ]);
  const ticketId = (await createTicket(t.db, { clientId: owner.user.id })).id;
  const objects = await newObjects(t, { owner, agent, admin, ticketId });
  const file = await ok(
    t.http
      .post(`/api/v1/messages/${objects.messageId}/attachments`)
      .set(owner.auth)
      .attach('file', SAMPLE_FILE.bytes, { filename: SAMPLE_FILE.filename, contentType: SAMPLE_FILE.contentType }),
    201,
    'attachment',
  );
  return { owner, otherClient, agent, admin, ticketId, ...objects, attachmentId: file.id };
}

async function newObjects(t: TestApp, { owner, agent, admin, ticketId }: Pick<World, 'owner' | 'agent' | 'admin' | 'ticketId'>) {
  const api = `/api/v1/tickets/${ticketId}`;
  const [message, note, queue] = await Promise.all([
    ok(t.http.post(`${api}/messages`).set(owner.auth).send({ content: 'A message' }), 201, 'message'),
    ok(t.http.post(`${api}/notes`).set(agent.auth).send({ content: 'A note' }), 201, 'note'),
    ok(t.http.post('/api/v1/queues').set(admin.auth).send({ name: unique('Queue') }), 201, 'queue'),
  ]);
  return { messageId: message.id, noteId: note.id, queueId: queue.id };
}

/** The same users and ticket with new tokens and a new message, note and queue: for a call that deletes one or logs out. */
export async function refreshWorld(t: TestApp, world: World): Promise<World> {
  const tokens = t.app.get(TokensService);
  const reissue = async (who: SignedInUser): Promise<SignedInUser> => {
    const { access_token } = await tokens.issue(who.user);
    return { user: who.user, token: access_token, auth: { Authorization: `Bearer ${access_token}` } };
  };
  const [owner, otherClient, agent, admin] = await Promise.all([world.owner, world.otherClient, world.agent, world.admin].map(reissue));
  return { ...world, owner, otherClient, agent, admin, ...(await newObjects(t, { owner, agent, admin, ticketId: world.ticketId })) };
}

/** The real object a path parameter names, by the resource it follows (`/tickets/{id}`, `/attachments/note/{note_id}`). */
export function pathIds(path: string, world: World): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const match of path.matchAll(/([a-z_-]+)\/\{([a-z_]+)\}/g)) {
    const [, resource, param] = match;
    const byResource: Record<string, number> = {
      tickets: world.ticketId,
      messages: world.messageId,
      message: world.messageId,
      notes: world.noteId,
      note: world.noteId,
      queues: world.queueId,
      users: world.owner.user.id,
      attachments: world.attachmentId,
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
