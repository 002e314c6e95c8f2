import { Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { PostgresCounterStore, RedisCounterStore } from '#src/common/throttling/counter-stores.js';
import { RateLimitGuard } from '#src/common/throttling/rate-limit.guard.js';
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
 * Limits per user and per IP (README "Limits"), counted in counters shared by all instances (Redis
 * when REDIS_URL is set, PostgreSQL otherwise). Import it after AuthModule: its global guard must
 * run after the JWT guard, to see the signed-in user.
 */
@Module({
  providers: [
    { provide: SharedThrottlerStorage, useFactory: createStorage, inject: [AppConfig, DataSource] },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class ThrottlingModule {}
