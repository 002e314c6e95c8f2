import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitStorageModule } from '#src/common/throttling/rate-limit-storage.module.js';
import { RateLimitGuard } from '#src/common/throttling/rate-limit.guard.js';

/**
 * Limits per user and per IP (README "Limits"), counted in counters shared by all instances (Redis
 * when REDIS_URL is set, PostgreSQL otherwise). Import it after AuthModule: its global guard must
 * run after the JWT guard, to see the signed-in user.
 */
@Module({
  imports: [RateLimitStorageModule],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class ThrottlingModule {}
