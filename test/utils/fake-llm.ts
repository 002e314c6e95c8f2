import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type FakeLlmMode = { kind: 'stream'; tokens: string[]; delayMs?: number } | { kind: 'fail'; status: number } | { kind: 'hang' };

/**
 * A small OpenAI-compatible chat-completions server on loopback (POST /v1/chat/completions with
 * `stream: true`), standing in for Groq, OpenAI or a local model: it streams the tokens it is
 * given as `chat.completion.chunk` events, fails with a status, or never answers. It records each
 * request's body and whether the caller went away before the answer ended.
 */
export class FakeLlm {
  mode: FakeLlmMode = { kind: 'stream', tokens: ['Hello'] };
  readonly requests: { body: Record<string, unknown>; authorization: string | undefined; abandoned: boolean }[] = [];
  private server: Server | null = null;
  private readonly open = new Set<ServerResponse>();
  port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const record = { body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>, authorization: req.headers.authorization, abandoned: false };
    this.requests.push(record);
    this.open.add(res);
    let finished = false;
    res.on('close', () => {
      this.open.delete(res);
      if (!finished) record.abandoned = true;
    });
    const mode = this.mode;
    if (mode.kind === 'hang') return; // never answers; the caller must give up
    if (mode.kind === 'fail') {
      finished = true;
      res.writeHead(mode.status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: 'upstream broke', type: 'server_error' } }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    for (const [i, token] of mode.tokens.entries()) {
      if (res.destroyed) return;
      send({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: token } : { content: token }, finish_reason: null }] });
      await new Promise((resolve) => setTimeout(resolve, mode.delayMs ?? 10));
    }
    if (res.destroyed) return;
    send({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    send({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [], usage: { prompt_tokens: 120, completion_tokens: mode.tokens.length, total_tokens: 120 + mode.tokens.length } });
    res.write('data: [DONE]\n\n');
    finished = true;
    res.end();
  }
}

export interface SseEvent {
  event: string;
  data: unknown;
  /** Milliseconds since the request was sent. */
  at: number;
}

/** Reads a Server-Sent Events response to its end (or until `stopAfter` events), with arrival times. */
export async function readSse(url: string, token: string, stopAfter?: number): Promise<{ status: number; contentType: string | null; events: SseEvent[]; body?: unknown }> {
  const started = Date.now();
  const controller = new AbortController();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: controller.signal });
  const contentType = res.headers.get('content-type');
  if (!contentType?.startsWith('text/event-stream')) return { status: res.status, contentType, events: [], body: await res.json() };
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        events.push({ event, data: data === undefined ? null : JSON.parse(data), at: Date.now() - started });
        if (stopAfter !== undefined && events.length >= stopAfter) {
          controller.abort();
          return { status: res.status, contentType, events };
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return { status: res.status, contentType, events };
}
