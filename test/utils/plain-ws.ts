import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

/** A real `ws` client on /ws/support that keeps every JSON frame it receives. */
export interface PlainClient {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  /** Resolves when the server closes the connection (or it is closed), with the code and reason. */
  closed: Promise<Closed>;
  send(frame: unknown): void;
  /** The first frame received after this call, or since `from`, that matches; rejects after `timeoutMs`. */
  next<T = Record<string, unknown>>(match?: (frame: T) => boolean, timeoutMs?: number): Promise<T>;
}

/** Connects (resolving once open) with the token in the query string, or in `Sec-WebSocket-Protocol` with `protocols`. */
export function openPlain(baseUrl: string, options: { token?: string; protocols?: string[] } = {}): Promise<PlainClient> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws/support${options.token === undefined ? '' : `?token=${encodeURIComponent(options.token)}`}`;
  const ws = new WebSocket(url, options.protocols);
  const frames: Record<string, unknown>[] = [];
  const waiters = new Set<(frame: Record<string, unknown>) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    frames.push(frame);
    for (const waiter of [...waiters]) waiter(frame);
  });
  const closed = new Promise<Closed>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const client: PlainClient = {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: <T>(match: (frame: T) => boolean = () => true, timeoutMs = 5000) =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching frame within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (frame: Record<string, unknown>) => {
          if (!match(frame as T)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(frame as T);
        };
        waiters.add(waiter);
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

/** Sends a frame and waits for the next frame that matches (by default, the very next one). */
export function exchange<T = Record<string, unknown>>(client: PlainClient, frame: unknown, match?: (frame: T) => boolean): Promise<T> {
  const answer = client.next<T>(match);
  client.send(frame);
  return answer;
}
