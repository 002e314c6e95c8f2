import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PgListener } from '#src/common/database/pg-listener.js';
import { AppConfig } from '#src/config/app-config.js';
import { type CustomFieldRow, CustomFieldsRepository } from '#src/modules/custom-fields/custom-fields.repository.js';

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
  private cached: CustomFieldDefinitions | null = null;
  private generation = 0;
  private readonly notifications: PgListener;

  constructor(
    config: AppConfig,
    private readonly repository: CustomFieldsRepository,
  ) {
    this.notifications = new PgListener({
      url: config.databaseUrl,
      channel: 'custom_fields',
      logger: new Logger(CustomFieldDefinitionsCache.name),
      lostMessage: 'Custom-field notifications lost; definitions read per call until reconnected',
      onNotification: () => this.invalidate(),
      onListening: () => this.invalidate(),
    });
  }

  onModuleInit(): Promise<void> {
    return this.notifications.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.notifications.stop();
  }

  /** The definitions: from memory while notifications flow, else read anew. */
  async get(): Promise<CustomFieldDefinitions> {
    if (this.notifications.listening && this.cached) return this.cached;
    const generation = this.generation;
    const rows = await this.repository.all();
    const definitions: CustomFieldDefinitions = {
      byKey: new Map(rows.map((row) => [row.key, row])),
      ordered: rows,
      anyRequired: rows.some((row) => row.required),
    };
    if (this.notifications.listening && generation === this.generation) this.cached = definitions;
    return definitions;
  }

  invalidate(): void {
    this.generation += 1;
    this.cached = null;
  }
}
