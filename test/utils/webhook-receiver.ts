import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait.js';

/** A request the receiver got: its headers and its body exactly as sent (what a signature covers). */
export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  /** The status the receiver answered. */
  status: number;
}

/**
 * A real HTTP server on a random loopback port that takes webhook POSTs and keeps them. `answers`
 * queues the statuses of the next requests (200 once they run out); `stop` and `start` again on the
 * same port make it unreachable for a while.
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  private readonly answers: number[] = [];
  private server: Server | null = null;
  private port = 0;

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  get portNumber(): number {
    return this.port;
  }

  /** The next requests get these statuses, in order (a 3xx with a Location back to the receiver). */
  answerWith(...statuses: number[]): void {
    this.answers.push(...statuses);
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const status = this.answers.shift() ?? 200;
        this.received.push({ headers: req.headers, raw, body: JSON.parse(raw) as ReceivedHook['body'], status });
        res.writeHead(status, status >= 300 && status < 400 ? { location: this.url('/moved') } : {});
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits until `count` requests matching `match` arrived; returns them. */
  async waitFor(match: (hook: ReceivedHook) => boolean, count = 1): Promise<ReceivedHook[]> {
    await waitFor(() => this.received.filter(match).length >= count);
    return this.received.filter(match);
  }
}

export const startWebhookReceiver = () => new WebhookReceiver().start();
