import { io, type Socket } from 'socket.io-client';

/** A real socket.io-client connected to /support with a token; rejects with the server's refusal. */
export function connect(baseUrl: string, token: string | undefined): Promise<Socket> {
  const socket = io(`${baseUrl}/support`, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits and waits for the acknowledgement. */
export function request<T = Record<string, unknown>>(socket: Socket, event: string, payload?: unknown, timeoutMs = 5000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

let rawAckIds = 1_000_000;
/**
 * Emits an event whose payload is already JSON text and waits for its acknowledgement:
 * socket.io-client's own encoder walks payloads recursively and cannot send 10,000 levels. An empty
 * `json` sends the event with no payload at all.
 */
export function rawRequest<T = Record<string, unknown>>(socket: Socket, event: string, json: string, timeoutMs = 5000): Promise<T> {
  rawAckIds += 1;
  const id = rawAckIds;
  const acks = (socket as unknown as { acks: Record<number, (answer: T) => void> }).acks;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement for ${event}`)), timeoutMs);
    acks[id] = (answer) => {
      clearTimeout(timer);
      resolve(answer);
    };
    socket.io.engine.write(`2/support,${id}[${JSON.stringify(event)}${json === '' ? '' : `,${json}`}]`);
  });
}

/** Collects every `event` the socket receives, for assertions on what arrived (and what did not). */
export function collect<T = Record<string, unknown>>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Resolves with the first `event` matching `match`, or rejects after `timeoutMs`. */
export function next<T = Record<string, unknown>>(socket: Socket, event: string, match: (payload: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Resolves once the socket is disconnected (at once if it already is), or rejects after `timeoutMs`. */
export function disconnected(socket: Socket, timeoutMs = 5000): Promise<void> {
  if (!socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The sockets a test file opens, closed together (after each test): `open(user or token)` connects
 * one more (no token: the handshake carries none).
 */
export function socketPool(baseUrl: () => string) {
  const sockets: Socket[] = [];
  return {
    async open(who: { token: string } | string | undefined): Promise<Socket> {
      const socket = await connect(baseUrl(), typeof who === 'object' ? who.token : who);
      sockets.push(socket);
      return socket;
    },
    closeAll(): void {
      for (const socket of sockets.splice(0)) socket.close();
    },
  };
}
