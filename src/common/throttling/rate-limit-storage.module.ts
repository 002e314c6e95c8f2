import { Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PostgresCounterStore, RedisCounterStore } from '#src/common/throttling/counter-stores.js';
import { SharedThrottlerStorage } from '#src/common/throttling/shared-throttler.storage.js';
import { AppConfig } from '#src/config/app-config.js';

const databaseName = (url: string | null) => (url ? decodeURIComponent(new URL(url).pathname.slice(1)) : 'embedded');

function createStorage(config: AppConfig, db: DataSource): SharedThrottlerStorage {
  const logger = new Logger('RateLimitStore');
  const store = config.redisUrl
    ? new RedisCounterStore(config.redisUrl, databaseName(config.databaseUrl), (error) => logger.warn({ err: error }, 'Redis (rate limits) reported an error'))
    : new PostgresCounterStore(db);
  return new SharedThrottlerStorage(store, config.limits.flushMs);
}

/**
 * The counters shared by all instances (Redis when REDIS_URL is set, PostgreSQL otherwise), for
 * the HTTP guard (ThrottlingModule) and the chat's per-user limits. Apart from ThrottlingModule so
 * that importing the counters never moves its global guard ahead of the JWT guard.
 */
@Module({
  providers: [{ provide: SharedThrottlerStorage, useFactory: createStorage, inject: [AppConfig, DataSource] }],
  exports: [SharedThrottlerStorage],
})
export class RateLimitStorageModule {}
