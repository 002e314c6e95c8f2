import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '#src/config/app-config.js';
import { type CustomFieldRow, CustomFieldsRepository } from '#src/modules/custom-fields/custom-fields.repository.js';

const CHANNEL = 'custom_fields';
const RECONNECT_MS = 1_000;

/** The definitions, by key and in id order. */
export interface CustomFieldDefinitions {
  byKey: ReadonlyMap<string, CustomFieldRow>;
  ordered: readonly CustomFieldRow[];
  /** Whether any definition is required (a new REST ticket must then be checked even without custom_fields). */
  anyRequired: boolean;
}

/**
 * The custom-field definitions, kept in memory: every ticket create and update reads them, and
 * they change rarely. Correct across instances the way SessionCache is: a statement trigger on
 * `custom_fields` NOTIFYs, every instance LISTENs and drops its copy, and the instance making the
 * change drops it at once too. While the LISTEN connection is down the cache is off (every call
 * reads the table), so a missed notification never leaves a stale copy in use. A read that raced
 * a change is not kept (the generation check).
 */
@Injectable()
export class CustomFieldDefinitionsCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CustomFieldDefinitionsCache.name);
  private cached: CustomFieldDefinitions | null = null;
  private generation = 0;
  private listener: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: CustomFieldsRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.off();
    await this.listener?.end().catch(() => undefined);
  }

  /** The definitions: from memory while notifications flow, else read anew. */
  async get(): Promise<CustomFieldDefinitions> {
    if (this.listening && this.cached) return this.cached;
    const generation = this.generation;
    const rows = await this.repository.all();
    const definitions: CustomFieldDefinitions = {
      byKey: new Map(rows.map((row) => [row.key, row])),
      ordered: rows,
      anyRequired: rows.some((row) => row.required),
    };
    if (this.listening && generation === this.generation) this.cached = definitions;
    return definitions;
  }

  invalidate(): void {
    this.generation += 1;
    this.cached = null;
  }

  private off(): void {
    this.listening = false;
    this.invalidate();
  }

  private async connect(): Promise<void> {
    if (this.closed || !this.config.databaseUrl) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.off();
      if (this.closed) return;
      this.logger.warn({ err: error?.message }, 'Custom-field notifications lost; definitions read per call until reconnected');
      this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_MS);
      this.reconnectTimer.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => this.invalidate());
    try {
      this.listener = client;
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.invalidate();
      this.listening = !this.closed;
    } catch (error) {
      lost(error as Error);
      await client.end().catch(() => undefined);
    }
  }
}
