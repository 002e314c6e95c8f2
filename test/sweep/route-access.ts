import { DEFAULT_PASSWORD } from '../factories/users.factory.js';
import { CALENDAR, fieldKey, type Fresh, intentBody, unique, type World } from './world.js';

/**
 * Who may call each route, as test/access-sweep.e2e-spec.ts checks it for every operation in
 * /docs-json. A route the document has and this table lacks fails the sweep (and so does an entry
 * for a route that is gone): add the route here when you add it to the API.
 *
 * Outcomes: `allow` is a 2xx (each route that takes a body gets a valid one, below);
 * `unauthorized` 401; `forbidden` 403; `hidden` 404 (the object is not the caller's to know about).
 *
 * Roles: `anonymous` (no token); `client`, the customer who owns the ticket the path names (with its
 * message, note and file); `otherClient`, another customer calling on those same objects; `agent`; `admin`.
 */
export type Access = 'allow' | 'unauthorized' | 'forbidden' | 'hidden';
export const ROLES = ['anonymous', 'client', 'otherClient', 'agent', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface RouteAccess {
  access: Record<Role, Access>;
  /** A valid JSON body, so that access is what decides the answer (the bad-input sweep starts from it too). */
  body?: (world: World) => object;
  /** Query parameters a route needs to answer at all (GET /articles/suggest wants ticket_id or q). */
  query?: (world: World) => Record<string, string>;
  /** Sends SAMPLE_FILE as the multipart field `file`. */
  file?: true;
  /** Each call gets new tokens and a new object of this kind (the route deletes it, or ends the caller's tokens). */
  fresh?: Fresh;
}

const row = (anonymous: Access, client: Access, otherClient: Access, agent: Access, admin: Access): Record<Role, Access> => ({
  anonymous,
  client,
  otherClient,
  agent,
  admin,
});

const ANYONE = row('allow', 'allow', 'allow', 'allow', 'allow');
const SIGNED_IN = row('unauthorized', 'allow', 'allow', 'allow', 'allow');
/** The ticket's client and agents; another client is told it does not exist. */
const OWNER_OR_AGENT = row('unauthorized', 'allow', 'hidden', 'allow', 'allow');
/** Agents; customers are told they may not (403). */
const AGENTS = row('unauthorized', 'forbidden', 'forbidden', 'allow', 'allow');
/** Agents; customers are told it does not exist (internal notes). */
const AGENTS_ONLY_HIDDEN = row('unauthorized', 'hidden', 'hidden', 'allow', 'allow');
const ADMINS = row('unauthorized', 'forbidden', 'forbidden', 'forbidden', 'allow');
/** The ticket's client alone: another client is told the ticket does not exist, agents that they may not. */
const TICKET_CLIENT = row('unauthorized', 'allow', 'hidden', 'forbidden', 'forbidden');

export const ROUTE_ACCESS: Record<string, RouteAccess> = {
  'GET /health': { access: ANYONE },
  'GET /metrics': { access: ANYONE },

  'POST /api/v1/auth/signup': { access: ANYONE, body: () => ({ email: `${unique('signup')}@example.test`, password: DEFAULT_PASSWORD, name: 'Sweep' }) },
  'POST /api/v1/auth/visitor': { access: ANYONE, body: () => ({ email: `${unique('visitor')}@example.test`, name: 'Sweep Visitor' }) },
  // A made-up visit key renews nothing, whoever sends it (the route takes no token).
  'POST /api/v1/auth/visitor/renew': { access: row('unauthorized', 'unauthorized', 'unauthorized', 'unauthorized', 'unauthorized'), body: () => ({ visit_key: `1.${'A'.repeat(43)}` }) },
  'POST /api/v1/auth/visitor/end': { access: row('unauthorized', 'forbidden', 'forbidden', 'forbidden', 'forbidden') },
  'POST /api/v1/auth/login': { access: ANYONE, body: (w) => ({ email: w.owner.user.email, password: DEFAULT_PASSWORD }) },
  'POST /api/v1/auth/logout': { access: SIGNED_IN, fresh: 'tokens' },
  'GET /api/v1/auth/me': { access: SIGNED_IN },
  'PATCH /api/v1/auth/me': { access: SIGNED_IN, body: () => ({ name: 'Renamed by the sweep', notify_by_email: false }) },
  'POST /api/v1/auth/password': { access: SIGNED_IN, fresh: 'users', body: () => ({ current_password: DEFAULT_PASSWORD, new_password: 'another-horse-43' }) },
  'POST /api/v1/auth/password-reset': { access: ANYONE, body: (w) => ({ email: w.owner.user.email }) },
  'POST /api/v1/auth/password-reset/confirm': { access: ANYONE, fresh: 'passwordLink', body: (w) => ({ token: w.passwordToken, new_password: 'another-horse-43' }) },

  'GET /api/v1/presence/agents': { access: AGENTS },
  'GET /api/v1/users': { access: ADMINS },
  'POST /api/v1/users': { access: ADMINS, body: () => ({ email: `${unique('user')}@example.test`, password: DEFAULT_PASSWORD, name: 'Sweep', role: 'agent' }) },
  'GET /api/v1/users/{id}': { access: ADMINS },
  'PATCH /api/v1/users/{id}': { access: ADMINS, body: () => ({ name: 'Renamed by the sweep' }) },

  'GET /api/v1/queues': { access: SIGNED_IN },
  'POST /api/v1/queues': { access: ADMINS, body: () => ({ name: unique('Queue'), description: 'Made by the sweep' }) },
  'GET /api/v1/queues/{id}': { access: SIGNED_IN },
  'PATCH /api/v1/queues/{id}': { access: ADMINS, body: () => ({ description: 'Changed by the sweep' }) },
  'DELETE /api/v1/queues/{id}': { access: ADMINS, fresh: 'queue' },

  'POST /api/v1/tickets': { access: SIGNED_IN, body: () => ({ title: 'Opened by the sweep', description: 'Nothing works' }) },
  'GET /api/v1/tickets': { access: SIGNED_IN },
  'GET /api/v1/tickets/stats': { access: AGENTS },
  'POST /api/v1/tickets/bulk': { access: AGENTS, body: (w) => ({ ticket_ids: [w.ticketId], priority: 'high' }) },
  'GET /api/v1/tickets/{id}': { access: OWNER_OR_AGENT },
  'PATCH /api/v1/tickets/{id}': { access: OWNER_OR_AGENT, body: () => ({ title: 'Renamed by the sweep' }) },
  'POST /api/v1/tickets/{id}/assign': { access: AGENTS, body: (w) => ({ agent_id: w.agent.user.id }) },
  'GET /api/v1/tickets/{id}/history': { access: AGENTS },

  'GET /api/v1/tickets/{id}/messages': { access: OWNER_OR_AGENT },
  'POST /api/v1/tickets/{id}/messages': { access: OWNER_OR_AGENT, body: () => ({ content: 'Written by the sweep' }) },
  'DELETE /api/v1/messages/{id}': { access: AGENTS, fresh: 'message' },

  'GET /api/v1/tickets/{id}/notes': { access: AGENTS_ONLY_HIDDEN },
  'POST /api/v1/tickets/{id}/notes': { access: AGENTS_ONLY_HIDDEN, body: () => ({ content: 'Noted by the sweep' }) },
  /** The note is the world's agent's own (another agent would get 403). */
  'PATCH /api/v1/notes/{id}': { access: AGENTS_ONLY_HIDDEN, body: () => ({ content: 'Edited by the sweep' }) },
  'DELETE /api/v1/notes/{id}': { access: AGENTS_ONLY_HIDDEN, fresh: 'note' },

  'POST /api/v1/messages/{id}/attachments': { access: OWNER_OR_AGENT, file: true },
  'POST /api/v1/notes/{id}/attachments': { access: AGENTS_ONLY_HIDDEN, file: true },
  'POST /api/v1/tickets/{id}/attachments': { access: OWNER_OR_AGENT, file: true },
  'GET /api/v1/attachments/message/{message_id}': { access: OWNER_OR_AGENT },
  'GET /api/v1/attachments/note/{note_id}': { access: AGENTS_ONLY_HIDDEN },
  'GET /api/v1/attachments/ticket/{ticket_id}': { access: OWNER_OR_AGENT },

  'GET /api/v1/attachments/ticket/{ticket_id}/messages': { access: OWNER_OR_AGENT },
  'GET /api/v1/attachments/{id}/content': { access: OWNER_OR_AGENT },
  /** The file is the client's own upload; another client is not told it exists. */
  'DELETE /api/v1/attachments/{id}': { access: OWNER_OR_AGENT, fresh: 'attachment' },

  'GET /api/v1/sla/policies': { access: AGENTS },
  'PUT /api/v1/sla/policies/{priority}': { access: ADMINS, body: () => ({ frt_minutes: 240, ttr_minutes: 1440 }) },
  'GET /api/v1/sla/calendars': { access: AGENTS },
  'POST /api/v1/sla/calendars': { access: ADMINS, body: () => ({ name: unique('Calendar'), ...CALENDAR }) },
  'GET /api/v1/sla/calendars/{id}': { access: AGENTS },
  'PUT /api/v1/sla/calendars/{id}': { access: ADMINS, body: () => ({ name: unique('Calendar'), ...CALENDAR }) },
  'DELETE /api/v1/sla/calendars/{id}': { access: ADMINS, fresh: 'calendar' },

  'GET /api/v1/articles': { access: ANYONE },
  'GET /api/v1/articles/suggest': { access: SIGNED_IN, query: (w) => ({ q: `ticket ${w.ticketId}: reset my password` }) },
  'GET /api/v1/articles/report': { access: AGENTS },
  'POST /api/v1/articles': { access: AGENTS, body: () => ({ title: 'Written by the sweep', content: 'Steps', media_links: ['https://example.com/a.png'], tags: ['sweep'], published: true }) },
  /** The world's article is published: anyone reads it. */
  'GET /api/v1/articles/{id}': { access: ANYONE },
  'PATCH /api/v1/articles/{id}': { access: AGENTS, body: () => ({ tags: ['changed by the sweep'] }) },
  'DELETE /api/v1/articles/{id}': { access: AGENTS, fresh: 'article' },
  'POST /api/v1/articles/{id}/feedback': { access: SIGNED_IN, body: () => ({ helpful: true }) },

  'GET /api/v1/tickets/{id}/ai-response': { access: OWNER_OR_AGENT },

  /** Each call rates a new resolved ticket of the owner's (a resolution is rated once). */
  'POST /api/v1/tickets/{id}/rating': { access: TICKET_CLIENT, fresh: 'resolvedTicket', body: () => ({ score: 5, comment: 'Rated by the sweep' }) },
  'GET /api/v1/tickets/{id}/rating': { access: OWNER_OR_AGENT },

  'GET /api/v1/canned-responses': { access: AGENTS },
  'POST /api/v1/canned-responses': { access: AGENTS, body: () => ({ shortcut: unique('sweep'), title: 'Written by the sweep', content: 'Hello {{customer.name}}' }) },
  /** The world's canned response is the agent's, shared: the agent and the admin may change it. */
  'GET /api/v1/canned-responses/{id}': { access: AGENTS },
  'PATCH /api/v1/canned-responses/{id}': { access: AGENTS, body: () => ({ title: 'Changed by the sweep' }) },
  'DELETE /api/v1/canned-responses/{id}': { access: AGENTS, fresh: 'cannedResponse' },
  'POST /api/v1/canned-responses/{id}/render': { access: AGENTS, body: (w) => ({ ticket_id: w.ticketId }) },

  'GET /api/v1/bot/intents': { access: ADMINS },
  'POST /api/v1/bot/intents': { access: ADMINS, body: intentBody },
  'PATCH /api/v1/bot/intents/{id}': { access: ADMINS, body: () => ({ reply: { en: 'Changed by the sweep', ru: 'Изменено' }, enabled: true }) },
  'DELETE /api/v1/bot/intents/{id}': { access: ADMINS, fresh: 'intent' },

  'GET /api/v1/email/status': { access: ADMINS },

  'GET /api/v1/webhooks': { access: ADMINS },
  'POST /api/v1/webhooks': { access: ADMINS, body: () => ({ url: 'http://127.0.0.1:9/sweep', events: ['rating.created'] }) },
  'GET /api/v1/webhooks/{id}': { access: ADMINS },
  'PATCH /api/v1/webhooks/{id}': { access: ADMINS, body: () => ({ events: ['rating.created', 'sla.warning'] }) },
  'DELETE /api/v1/webhooks/{id}': { access: ADMINS, fresh: 'webhook' },
  'GET /api/v1/webhooks/{id}/deliveries': { access: ADMINS },
  'POST /api/v1/webhooks/{id}/test': { access: ADMINS },
  'GET /api/v1/email/source/ticket/{id}': { access: AGENTS },
  'GET /api/v1/email/source/message/{id}': { access: AGENTS },

  'GET /api/v1/custom-fields': { access: AGENTS },
  'POST /api/v1/custom-fields': { access: ADMINS, body: () => ({ key: fieldKey(), label: 'Made by the sweep', type: 'select', options: ['a', 'b'], required: false }) },
  'GET /api/v1/custom-fields/{id}': { access: AGENTS },
  'PATCH /api/v1/custom-fields/{id}': { access: ADMINS, body: () => ({ label: 'Changed by the sweep' }) },
  'DELETE /api/v1/custom-fields/{id}': { access: ADMINS, fresh: 'customField' },

  'GET /api/v1/exports/tickets': { access: ADMINS },
  'GET /api/v1/exports/users/{id}': { access: ADMINS },
};
