import { execFile } from 'node:child_process';
import net from 'node:net';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

const MB = 1024 * 1024;

/**
 * Node's global fetch, run in a process of its own as any outside client would be (in the test's
 * own process the server and the client share one event loop, which hides the problem). Sends a
 * JSON body, a multipart form with one file, or the same form as a stream (chunked, no
 * Content-Length); prints the answer, or the error fetch reported.
 */
const FETCH_CLIENT = `
const [url, token, kind, megabytes] = process.argv.slice(1);
const size = Number(megabytes) * 1024 * 1024;
const headers = { Authorization: 'Bearer ' + token };
/** A body sent as a stream: chunked, no Content-Length. */
const streamOf = (head, byte, tail) => {
  const chunk = Buffer.alloc(64 * 1024, byte);
  let sent = 0;
  return new ReadableStream({
    start(c) { c.enqueue(Buffer.from(head)); },
    pull(c) {
      if (sent >= size) { c.enqueue(Buffer.from(tail)); c.close(); return; }
      sent += chunk.length;
      c.enqueue(chunk);
    },
  });
};
let body;
if (kind === 'json') {
  headers['Content-Type'] = 'application/json';
  body = JSON.stringify({ content: 'x'.repeat(size) });
} else if (kind === 'json-stream') {
  headers['Content-Type'] = 'application/json';
  body = streamOf('{"content": "', 0x78, '"}');
} else if (kind === 'form') {
  body = new FormData();
  body.append('file', new Blob([Buffer.alloc(size, 7)]), 'big.bin');
} else {
  headers['Content-Type'] = 'multipart/form-data; boundary=chunked-boundary';
  body = streamOf('--chunked-boundary\\r\\nContent-Disposition: form-data; name="file"; filename="big.bin"\\r\\n\\r\\n', 7, '\\r\\n--chunked-boundary--\\r\\n');
}
try {
  const res = await fetch(url, { method: 'POST', headers, body, duplex: 'half' });
  console.log(JSON.stringify({ status: res.status, requestId: res.headers.get('x-request-id'), connection: res.headers.get('connection'), body: await res.json() }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message + ': ' + (error.cause?.code ?? error.cause?.message) }));
}
`;

interface FetchResult {
  status?: number;
  requestId?: string;
  connection?: string;
  body?: Record<string, unknown>;
  error?: string;
}

function fetchFromAnotherProcess(url: string, token: string, kind: 'json' | 'json-stream' | 'form' | 'form-stream', megabytes: number): Promise<FetchResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', FETCH_CLIENT, url, token, kind, String(megabytes)], { timeout: 60_000 }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as FetchResult),
    );
  });
}

/** What a client that never stops sending saw: the answer's first bytes, how much it wrote, whether the server hung up. */
interface EndlessSender {
  written: number;
  answer: string;
  closed: boolean;
}

/**
 * Opens a raw connection, writes `head`, then `chunk` after `chunk` for as long as the server
 * takes them, until the server closes the connection or `timeoutMs` pass.
 */
function sendForever(port: number, head: string, chunk: Buffer, timeoutMs: number): Promise<EndlessSender> {
  return new Promise((resolve) => {
    // Half-open: it goes on sending after the server's FIN, as a client that never reads would.
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const seen: EndlessSender = { written: 0, answer: '', closed: false };
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(seen);
    };
    const timer = setTimeout(stop, timeoutMs);
    socket.on('data', (data: Buffer) => (seen.answer += data.toString('latin1')));
    socket.on('error', () => undefined); // EPIPE / ECONNRESET once the server hangs up
    socket.on('close', () => {
      seen.closed = !stopped;
      stop();
    });
    const pump = () => {
      while (!stopped && !socket.destroyed) {
        seen.written += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.once('connect', () => {
      socket.write(head);
      pump();
    });
  });
}

/** The status code and JSON body of a raw HTTP/1.1 answer. */
function parseAnswer(raw: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  return { status: Number(head!.split(' ')[1]), headers: head!.toLowerCase(), body: JSON.parse(rest.join('\r\n\r\n')) as Record<string, unknown> };
}

describe('refusing bodies that are too large', () => {
  let t: TestApp;
  let client: SignedInUser;
  let uploadUrl: string;
  let messagesUrl: string;
  let port: number;

  beforeAll(async () => {
    // A 60 MB upload is refused on its Content-Length; a 60 MB stream once 8 MB have arrived, and
    // after 16 MB more are drained the server stops reading.
    t = await createTestApp({ AUTO_ASSIGN: 'false', UPLOAD_MAX_BYTES: String(8 * MB) });
    client = await signedIn(t);
    const ticket = await createTicket(t.db, { clientId: client.user.id });
    const message = await t.http.post(`/api/v1/tickets/${ticket.id}/messages`).set(client.auth).send({ content: 'files follow' }).expect(201);
    uploadUrl = `${t.baseUrl}/api/v1/messages/${message.body.id}/attachments`;
    messagesUrl = `${t.baseUrl}/api/v1/tickets/${ticket.id}/messages`;
    port = Number(new URL(t.baseUrl).port);
  });
  afterAll(() => t.close());

  const expectTooLarge = (result: FetchResult) => {
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(413);
    expect(result.connection).toBe('close');
    expect(result.body).toMatchObject({ status_code: 413, error: 'payload_too_large' });
    expect(result.body!.request_id).toBe(result.requestId);
  };

  it('gives fetch the 413 of a 60 MB upload, not a broken connection', async () => {
    expectTooLarge(await fetchFromAnotherProcess(uploadUrl, client.token, 'form', 60));
    expectTooLarge(await fetchFromAnotherProcess(uploadUrl, client.token, 'form-stream', 60));
    const rows = await t.db.query('SELECT count(*)::int AS n FROM attachments');
    expect(rows[0].n).toBe(0);
  });

  it('gives fetch the 413 of a JSON body over 1 MB, small or large, declared or streamed', async () => {
    expectTooLarge(await fetchFromAnotherProcess(messagesUrl, client.token, 'json', 2));
    expectTooLarge(await fetchFromAnotherProcess(messagesUrl, client.token, 'json', 60));
    expectTooLarge(await fetchFromAnotherProcess(messagesUrl, client.token, 'json-stream', 60));
  });

  it.each([
    ['declared', `Content-Length: ${100 * 1024 * MB}`, Buffer.alloc(64 * 1024, 0x20)],
    ['chunked', 'Transfer-Encoding: chunked', Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(64 * 1024, 0x20), Buffer.from('\r\n')])],
  ])('stops reading a JSON body that never ends (%s), and hangs up', async (_kind, framing, chunk) => {
    const head = `POST /api/v1/auth/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`;
    const seen = await sendForever(port, head, chunk, 20_000);
    expect(seen.closed).toBe(true);
    const answer = parseAnswer(seen.answer);
    expect(answer.status).toBe(413);
    expect(answer.headers).toContain('connection: close');
    expect(answer.body).toMatchObject({ status_code: 413, error: 'payload_too_large' });
    // The server reads at most the limit and twice the limit more (3 MB); the rest is what socket
    // buffers hold.
    expect(seen.written).toBeLessThan(32 * MB);
  });

  it('stops reading an upload that never ends, and hangs up', async () => {
    const boundary = 'endless';
    const head =
      `POST ${new URL(uploadUrl).pathname} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${client.token}\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const part = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="endless.bin"\r\n\r\n`;
    const chunk = Buffer.alloc(64 * 1024, 7);
    const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const seen = await sendForever(port, `${head}${part.length.toString(16)}\r\n${part}\r\n`, framed, 30_000);
    expect(seen.closed).toBe(true);
    const answer = parseAnswer(seen.answer);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ status_code: 413, error: 'payload_too_large' });
    // 8 MB received, at most 16 MB drained, the rest in socket buffers.
    expect(seen.written).toBeLessThan(8 * MB + 16 * MB + 32 * MB);
  });
});
