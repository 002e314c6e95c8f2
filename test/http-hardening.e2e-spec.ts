import net from 'node:net';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

const METRICS_TOKEN = 'metrics-token-for-the-scraper-0123';

/** A raw TCP client: what the server sent before it closed the connection, and when it closed. */
interface RawExchange {
  socket: net.Socket;
  closed: Promise<{ text: string; ms: number }>;
}

function rawConnect(port: number): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const started = Date.now();
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is fine: the answer was read
    const closed = new Promise<{ text: string; ms: number }>((done) =>
      socket.on('close', () => done({ text: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started })),
    );
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Status line, headers and JSON body of a raw HTTP/1.1 answer. */
function parseAnswer(text: string): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(body) as Record<string, unknown> };
}

describe('HTTP hardening', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({
      HTTP_HEADERS_TIMEOUT_SECONDS: '1',
      HTTP_REQUEST_TIMEOUT_SECONDS: '2',
      METRICS_TOKEN,
      DOCS_ENABLED: 'false',
    });
    port = (t.app.getHttpServer().address() as net.AddressInfo).port;
  });
  afterAll(() => t.close());

  describe('what Node refuses before the application, in the error shape', () => {
    it.each([
      ['a 20 KB header', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`, 431, 'request_header_fields_too_large'],
      ['a malformed header', 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400, 'bad_request'],
      ['Content-Length with chunked', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'bad_request'],
      ['not HTTP at all', 'HELLO THERE\r\n\r\n', 400, 'bad_request'],
    ])('answers %s with %i', async (_, request, status, error) => {
      const raw = await rawConnect(port);
      raw.socket.write(request);
      const answer = parseAnswer((await raw.closed).text);
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ status_code: status, error, message: expect.any(String), details: [], request_id: expect.any(String) });
      expect(answer.headers['x-request-id']).toBe(answer.body.request_id);
    });

    it('gives each refusal a fresh request id', async () => {
      const ids = await Promise.all(
        [1, 2].map(async () => {
          const raw = await rawConnect(port);
          raw.socket.write('HELLO\r\n\r\n');
          return parseAnswer((await raw.closed).text).body.request_id;
        }),
      );
      expect(ids[0]).not.toBe(ids[1]);
    });
  });

  describe('slow clients', () => {
    it('closes a connection that sends its headers too slowly, with 408', async () => {
      const raw = await rawConnect(port);
      raw.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
      const dribble = setInterval(() => raw.socket.writable && raw.socket.write('X-Slow: 1\r\n'), 200);
      const { text, ms } = await raw.closed;
      clearInterval(dribble);
      // 1 s headers timeout, checked every 250 ms; well before the 2 s request timeout.
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(2000);
      expect(parseAnswer(text).body).toMatchObject({ status_code: 408, error: 'request_timeout', details: [] });
    });

    it('closes a connection that sends nothing', async () => {
      const raw = await rawConnect(port);
      const { ms } = await raw.closed;
      expect(ms).toBeLessThan(2500);
    });

    it('closes a connection that dribbles its body, with 408 within the request timeout', async () => {
      const raw = await rawConnect(port);
      raw.socket.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      const dribble = setInterval(() => raw.socket.writable && raw.socket.write(' '), 200);
      const { text, ms } = await raw.closed;
      clearInterval(dribble);
      expect(ms).toBeGreaterThanOrEqual(1900);
      expect(ms).toBeLessThan(3500);
      expect(parseAnswer(text).body).toMatchObject({ status_code: 408, error: 'request_timeout' });
    });

    it('still serves a client that keeps to the limits', async () => {
      await t.http.get('/health').expect(200);
    });
  });

  describe('METRICS_TOKEN', () => {
    it.each([
      ['no token', undefined],
      ['a wrong token', `Bearer ${METRICS_TOKEN}x`],
      ['a prefix of the token', `Bearer ${METRICS_TOKEN.slice(0, 10)}`],
      ['another scheme', `Basic ${METRICS_TOKEN}`],
    ])('refuses %s with 401 in the error shape', async (_, authorization) => {
      const req = t.http.get('/metrics');
      const res = await (authorization ? req.set('Authorization', authorization) : req).expect(401);
      expect(res.body).toMatchObject({ status_code: 401, error: 'unauthorized', details: [], request_id: res.headers['x-request-id'] });
      expect(res.headers['www-authenticate']).toBe(authorization?.startsWith('Bearer ') ? 'Bearer error="invalid_token"' : 'Bearer');
    });

    it('serves the metrics to the bearer of the token', async () => {
      const res = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(res.text).toContain('http_request_duration_seconds');
    });
  });

  describe('DOCS_ENABLED=false', () => {
    it.each(['/docs', '/docs-json'])('answers %s with 404 in the error shape', async (path) => {
      const res = await t.http.get(path).expect(404);
      expect(res.body).toMatchObject({ status_code: 404, error: 'not_found' });
    });
  });

  describe('by default', () => {
    let open: TestApp;
    beforeAll(async () => {
      open = await createTestApp({ DOCS_ENABLED: undefined }); // the service's default
    });
    afterAll(() => open.close());

    it('serves /metrics and /docs without a token (development)', async () => {
      await open.http.get('/metrics').expect(200);
      await open.http.get('/docs-json').expect(200);
      await open.http.get('/docs').redirects(1).expect(200);
    });

    it('applies the default timeouts to the server', () => {
      const server = open.app.getHttpServer();
      expect(server.headersTimeout).toBe(20_000);
      expect(server.requestTimeout).toBe(300_000);
      expect(server.keepAliveTimeout).toBe(5_000);
    });
  });
});
