import type { Logger } from '@nestjs/common';
import pg from 'pg';

const RECONNECT_MS = 1_000;

export interface PgListenerOptions {
  /** The database; null: nothing to listen to (the listener stays off). */
  url: string | null;
  channel: string;
  logger: Logger;
  /** Logged (as a warning) when the connection is lost; it reconnects after a second. */
  lostMessage: string;
  onNotification(payload: string | undefined): void;
  /** Called with false when the connection is lost (a cache must then stop trusting itself), and with true once listening again. */
  onListening(listening: boolean): void;
}

/**
 * One PostgreSQL connection of its own that LISTENs on a channel, for caches kept correct across
 * instances by triggers that NOTIFY: reconnects when lost, and says when it is (not) listening, so
 * a cache is only used while no notification can have been missed.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  listening = false;

  constructor(private readonly options: PgListenerOptions) {}

  start(): Promise<void> {
    return this.connect();
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.setListening(false);
    await this.client?.end().catch(() => undefined);
  }

  private setListening(listening: boolean): void {
    this.listening = listening;
    this.options.onListening(listening);
  }

  private async connect(): Promise<void> {
    const { url, channel, logger, lostMessage } = this.options;
    if (this.closed || !url) return;
    const client = new pg.Client({ connectionString: url });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      this.setListening(false);
      if (this.closed) return;
      logger.warn({ err: error?.message }, lostMessage);
      this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_MS);
      this.reconnectTimer.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => this.options.onNotification(message.payload));
    try {
      this.client = client;
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      if (!this.closed) this.setListening(true);
    } catch (error) {
      lost(error as Error);
      await client.end().catch(() => undefined);
    }
  }
}
