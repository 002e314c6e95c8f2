import type { Socket } from 'socket.io-client';
import type { Test } from 'supertest';
import { signedIn } from './factories/users.factory.js';
import { BAD_IDS, type BadInput, badPayloads, badQueryValues, type Expect } from './sweep/bad-values.js';
import { type Answer, errorShapeProblem, inPool, tableStates } from './sweep/checks.js';
import { ROUTE_ACCESS, type Role } from './sweep/route-access.js';
import { fillPath, makeWorld, pathIds, type World } from './sweep/world.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { listOperations, type OpenApiDocument, resolveSchema, type SchemaObject } from './utils/openapi.js';
import { connect, rawRequest, request } from './utils/socket.js';

interface Probe {
  label: string;
  expect: Expect;
  /** The answer's status (an ack's error status_code, 200 for an ok ack, 0 for none) and what was wrong with it, or null. */
  run(): Promise<{ status: number; problem: string | null }>;
}

interface AckAnswer {
  ok: boolean;
  error?: { status_code?: unknown; error?: unknown; message?: unknown };
}

const int = (extra: Partial<SchemaObject> = {}): SchemaObject => ({ type: 'number', ...extra });

/**
 * Client-to-server Socket.IO events with a payload (CONTRACT.md, src/modules/chat/chat.gateway.ts):
 * who sends them, a valid payload to start from, and the payload's fields (ticket:create's are
 * CreateTicketDto's, read from /docs-json).
 */
const SOCKET_EVENTS: Record<string, { as: 'client' | 'agent'; base: (w: World) => Record<string, unknown>; schema: (doc: OpenApiDocument) => SchemaObject }> = {
  'ticket:create': { as: 'client', base: () => ({ title: 'From the sweep', description: 'D' }), schema: (doc) => doc.components.schemas.CreateTicketDto },
  'ticket:join': {
    as: 'agent',
    base: (w) => ({ ticket_id: w.ticketId }),
    schema: () => ({ properties: { ticket_id: int({ minimum: 1 }), since_message_id: int({ minimum: 0 }) }, required: ['ticket_id'] }),
  },
  'message:send': {
    as: 'agent',
    base: (w) => ({ ticket_id: w.ticketId, content: 'From the sweep' }),
    schema: () => ({
      properties: { ticket_id: int({ minimum: 1 }), content: { type: 'string', maxLength: 20_000 }, client_msg_id: { type: 'string', maxLength: 100 } },
      required: ['ticket_id', 'content'],
    }),
  },
  typing: { as: 'agent', base: (w) => ({ ticket_id: w.ticketId }), schema: () => ({ properties: { ticket_id: int({ minimum: 1 }) }, required: ['ticket_id'] }) },
  // Sent by a customer who does not own the world's ticket: a valid rating is a 404, a bad one a 422.
  'ticket:rate': {
    as: 'client',
    base: (w) => ({ ticket_id: w.ticketId, score: 5 }),
    schema: () => ({
      properties: { ticket_id: int({ minimum: 1 }), score: int({ minimum: 1, maximum: 5 }), comment: { type: 'string', maxLength: 2000 } },
      required: ['ticket_id', 'score'],
    }),
  },
};

/** Events one user may send within the gateway's rate windows (joins are limited to 30 per 10 s). */
const PER_SOCKET_USER = 25;
const SENDERS: Role[] = ['agent', 'admin', 'client', 'anonymous'];

/** `base` as JSON with a surrogate's and a stray byte's UTF-8 bytes inside the string `field`. */
function notUtf8(base: Record<string, unknown>, field: string): Buffer {
  const [head, tail] = JSON.stringify({ ...base, [field]: 'A<bytes>' }).split('<bytes>');
  return Buffer.concat([Buffer.from(head), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from(tail)]);
}

/** The valid body sent in ways the JSON parser must refuse, or may take. */
function transportInputs(base: Record<string, unknown>): { label: string; expect: Expect; headers: Record<string, string>; body: string | Buffer }[] {
  const json = JSON.stringify(base);
  const firstString = Object.keys(base).find((key) => typeof base[key] === 'string');
  const form = new URLSearchParams(Object.entries(base).map(([key, value]): [string, string] => [key, String(value)])).toString();
  return [
    { label: 'as text/plain', expect: 'any', headers: { 'Content-Type': 'text/plain' }, body: json },
    { label: 'as a form', expect: 'any', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form },
    { label: 'as a form with __proto__ fields', expect: 'refuse', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `${form}&__proto__=1&constructor=1` },
    { label: 'in UTF-16', expect: 'refuse', headers: { 'Content-Type': 'application/json; charset=utf-16' }, body: Buffer.from(json, 'utf16le') },
    { label: 'marked gzip but not gzip', expect: 'refuse', headers: { 'Content-Encoding': 'gzip' }, body: json },
    { label: 'in an unknown Content-Encoding', expect: 'refuse', headers: { 'Content-Encoding': 'x-bogus' }, body: json },
    { label: 'with a byte-order mark', expect: 'any', headers: {}, body: `\ufeff${json}` },
    { label: 'with a key given twice', expect: 'any', headers: {}, body: `{${json.slice(1, -1)}${json.length > 2 ? ',' : ''}${json.slice(1, -1)}}` },
    ...(firstString ? [{ label: `with bytes that are not UTF-8 in ${firstString}`, expect: 'any' as const, headers: {}, body: notUtf8(base, firstString) }] : []),
  ];
}

/** What is wrong with an HTTP answer to a probe expecting `expect`. */
function httpProblem(res: Answer, expect: Expect): string | null {
  if (res.status >= 500) return `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  if (res.status === 429) return 'rate limited: the sweep never reached the route';
  // The sender is one the access table allows: a refusal must come from the input, not from access control.
  if (expect === 'refuse' && (res.status === 401 || res.status === 403)) return `refused by access control (${res.status}), not for the input`;
  if (res.status >= 400) {
    const shape = errorShapeProblem(res);
    return shape && `${res.status} not in the error shape: ${shape}`;
  }
  return expect === 'refuse' ? `accepted with ${res.status}` : null;
}

/** What is wrong with a Socket.IO acknowledgement to a probe expecting `expect`. */
function ackProblem(answer: AckAnswer, expect: Expect): string | null {
  if (answer.ok === true) return expect === 'refuse' ? 'accepted (ok: true)' : null;
  const error = answer.error;
  if (answer.ok !== false || !error) return `not an ack in the contract's shape: ${JSON.stringify(answer).slice(0, 300)}`;
  const status = error.status_code;
  if (typeof status !== 'number' || typeof error.error !== 'string' || typeof error.message !== 'string') return `error ack not in the shape: ${JSON.stringify(error)}`;
  if (status === 429) return 'rate limited: the sweep never reached the validation';
  if (expect === 'refuse' && (status === 401 || status === 403)) return `refused by access control (${status}), not for the input`;
  if (status < 400 || status >= 500) return `error ack with status ${status}: ${JSON.stringify(error)}`;
  return null;
}

describe('bad-input sweep: generated bad bodies, queries, ids and event payloads get a 4xx in the error shape (or an error ack), never a 5xx', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let world: World;
  let probes: Probe[];
  const counts = { http: 0, socket: 0 };
  const sockets: Socket[] = [];
  let serverErrors = 0;

  beforeAll(async () => {
    // Write limits are raised for every test app (TEST_ENV); the chat and failed-login limits here too.
    t = await createTestApp({ AUTO_ASSIGN: 'false', CHAT_RATE_LIMIT: '100000', LOGIN_MAX_FAILURES: '1000', DOCS_ENABLED: 'true' });
    doc = (await t.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    world = await makeWorld(t);
    probes = [...httpProbes(), ...(await socketProbes())];
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    // The closing notes report this line.
    // eslint-disable-next-line no-console -- the count of generated inputs is this file's report
    console.log(`bad-input sweep: ${probes.length} generated inputs (${counts.http} HTTP, ${counts.socket} Socket.IO); ${serverErrors} answered with a 5xx`);
    await t.close();
  });

  const resolve = (schema: SchemaObject) => resolveSchema(doc, schema);

  /** A request as `role`, its path filled with the world's ids unless `path` is already filled. */
  const send = (method: string, url: string, role: Role): Test => {
    const req = t.http[method.toLowerCase() as 'get'](url);
    return role === 'anonymous' ? req : req.set(world[role === 'client' ? 'owner' : role].auth);
  };

  function httpProbes(): Probe[] {
    const list: Probe[] = [];
    const add = (label: string, expect: Expect, request: () => Test) =>
      list.push({
        label,
        expect,
        run: async () => {
          const res = await request();
          return { status: res.status, problem: httpProblem(res, expect) };
        },
      });
    for (const [name, operation] of listOperations(doc)) {
      const entry = ROUTE_ACCESS[name];
      if (!entry) continue; // the access sweep names it
      const [method, path] = name.split(' ');
      const role = SENDERS.find((who) => entry.access[who] === 'allow');
      if (!role) continue;
      const url = fillPath(path, pathIds(path, world));
      const jsonBody = operation.requestBody?.content['application/json']?.schema;
      if (jsonBody) {
        if (!entry.body) throw new Error(`${name} takes a JSON body: give it a valid one in test/sweep/route-access.ts`);
        const base = entry.body(world) as Record<string, unknown>;
        const inputs: BadInput[] = [
          ...badPayloads(resolveSchema(doc, jsonBody), base, resolve),
          { label: 'truncated JSON', expect: 'refuse', json: '{"title": "x", ' },
          { label: 'a body over the 1 MB limit', expect: 'refuse', json: JSON.stringify({ ...base, padding: 'x'.repeat(1_100_000) }) },
        ];
        for (const input of inputs) add(`${name} ${input.label}`, input.expect, () => send(method, url, role).set('Content-Type', 'application/json').send(input.json));
        for (const input of transportInputs(base)) {
          add(`${name} ${input.label}`, input.expect, () => send(method, url, role).set({ 'Content-Type': 'application/json', ...input.headers }).send(input.body));
        }
      }
      for (const param of operation.parameters ?? []) {
        if (param.in === 'path') {
          for (const id of BAD_IDS) add(`${name} with ${param.name} ${id}`, 'refuse', () => send(method, fillPath(path, id), role));
        } else if (param.in === 'query') {
          for (const { value, expect } of badQueryValues(param.name, param.schema ?? {})) {
            add(`${name} ?${param.name}=${value.slice(0, 40)}`, expect, () => send(method, `${url}?${param.name}=${value}`, role));
          }
          add(`${name} ?${param.name} twice`, 'any', () => send(method, `${url}?${param.name}=1&${param.name}=2`, role));
        }
      }
      if (operation.parameters?.some((param) => param.in === 'query')) {
        add(`${name} with an unknown query parameter`, 'refuse', () => send(method, `${url}?is_admin=1`, role));
        add(`${name} with a __proto__ query parameter`, 'refuse', () => send(method, `${url}?__proto__=1`, role));
      }
    }
    counts.http = list.length;
    return list;
  }

  /** Each chunk of an event's probes gets a user (and socket) of its own, to stay inside the gateway's per-user rates. */
  async function socketProbes(): Promise<Probe[]> {
    const list: Probe[] = [];
    for (const [event, spec] of Object.entries(SOCKET_EVENTS)) {
      const base = spec.base(world);
      const [firstField] = Object.keys(base);
      // Socket.IO carries binary too: a Buffer for a field, and as the whole payload.
      const inputs: (BadInput & { binary?: unknown })[] = [
        ...badPayloads(spec.schema(doc), base, resolve),
        { label: 'no payload', expect: 'refuse', json: '' },
        { label: `${firstField}: binary`, expect: 'refuse', json: '', binary: { ...base, [firstField]: Buffer.from('12') } },
        { label: 'a binary payload', expect: 'refuse', json: '', binary: Buffer.from(JSON.stringify(base)) },
      ];
      for (let start = 0; start < inputs.length; start += PER_SOCKET_USER) {
        const socket = await connect(t.baseUrl, (await signedIn(t, { role: spec.as })).token);
        sockets.push(socket);
        for (const input of inputs.slice(start, start + PER_SOCKET_USER)) {
          list.push({
            label: `${event} ${input.label}`,
            expect: input.expect,
            run: async () => {
              const sent = input.binary ? request<AckAnswer>(socket, event, input.binary) : rawRequest<AckAnswer>(socket, event, input.json);
              const answer = await sent.catch((error: Error): AckAnswer => ({ ok: false, error: { message: `no acknowledgement: ${error.message}` } }));
              const status = answer.ok === true ? 200 : Number(answer.error?.status_code ?? 0);
              return { status, problem: ackProblem(answer, input.expect) };
            },
          });
        }
      }
    }
    counts.socket = list.length;
    return list;
  }
  const runAll = async (expect: Expect) => {
    const chosen = probes.filter((probe) => probe.expect === expect);
    const problems = await inPool(
      chosen.map((probe) => async () => {
        const { status, problem } = await probe.run();
        if (status >= 500) serverErrors += 1;
        return problem && `${probe.label}: ${problem}`;
      }),
      8,
    );
    return { sent: chosen.length, problems: problems.filter((problem): problem is string => problem !== null) };
  };

  it('refuses every input that is wrong whatever the route, in the error shape, and changes no row', async () => {
    const before = await tableStates(t.db);
    const { sent, problems } = await runAll('refuse');
    expect(sent).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
    expect(await tableStates(t.db)).toEqual(before);
  }, 120_000);

  it('answers every input that may be valid (metacharacters, boundaries) without a 5xx, refusals in the error shape', async () => {
    const { sent, problems } = await runAll('any');
    expect(sent).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  }, 120_000);
});
