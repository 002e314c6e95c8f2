import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '#src/app.module.js';
import { prepareClose } from '#src/close-app.js';
import { type AppConfig, loadConfig } from '#src/config/app-config.js';
import { configureApp } from '#src/configure-app.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface TestApp {
  app: NestExpressApplication;
  /** supertest bound to the running server. */
  http: ReturnType<typeof supertest>;
  /** The app's own DataSource, for factories and for asserting what was stored. */
  db: DataSource;
  config: AppConfig;
  baseUrl: string;
  database: TestDatabase;
  close(): Promise<void>;
}

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256',
  CRON_ENABLED: 'false',
  CORS_ORIGINS: 'https://console.example.test',
  // High enough that no test is limited unless it sets its own (test/rate-limits.e2e-spec.ts).
  RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
  RATE_LIMIT_WRITES_PER_MINUTE_PER_IP: '1000000',
  SIGNUP_PER_HOUR_PER_IP: '1000000',
  LOGIN_PER_MINUTE_PER_IP: '1000000',
  // Building the OpenAPI document is about a third of a boot's CPU (some 90 boots per run); the
  // files that read /docs or /docs-json, and the sweeps that walk it, pass DOCS_ENABLED: 'true'.
  DOCS_ENABLED: 'false',
  // Webhook receivers in tests listen on loopback; test/webhooks.e2e-spec.ts unsets it to see the refusal.
  WEBHOOK_ALLOW_PRIVATE: 'true',
  // The chat bot answers new live chats; the files that test it (test/bot.e2e-spec.ts) pass BOT_ENABLED: 'true'.
  BOT_ENABLED: 'false',
};

/**
 * The environments a many-instance test runs in: PostgreSQL (adapter and counters) always, Redis
 * too when REDIS_URL names a server (REDIS_URL=redis://127.0.0.1:6379 npm test). Labelled `postgres`
 * and `redis` for describe.each's `%s`.
 */
export function sharedBackends(postgres: string, redis: string): [string, Record<string, string>][] {
  const backends: [string, Record<string, string>][] = [[postgres, {}]];
  if (process.env.REDIS_URL) backends.push([redis, { REDIS_URL: process.env.REDIS_URL }]);
  return backends;
}

/**
 * Boots the real AppModule, configured (and closed) as main.ts does, on a fresh database of its own and, unless
 * UPLOAD_DIR is given, a fresh upload folder of its own (removed on close). A setting given as
 * `undefined` is left unset, so the service's default applies even where TEST_ENV sets it.
 */
export async function createTestApp(env: Record<string, string | undefined> = {}, database?: TestDatabase): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const ownUploads = env.UPLOAD_DIR ? null : await mkdtemp(join(tmpdir(), 'support-uploads-'));
  const config = { ...loadConfig({ ...TEST_ENV, ...(ownUploads && { UPLOAD_DIR: ownUploads }), ...env }), databaseUrl: db.url };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: false,
  });
  const closeApp = prepareClose(app);
  await configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    http: supertest(app.getHttpServer()),
    db: app.get(DataSource),
    config,
    baseUrl: `http://127.0.0.1:${address.port}`,
    database: db,
    close: async () => {
      await closeApp();
      if (!database) await db.drop();
      if (ownUploads) await rm(ownUploads, { recursive: true, force: true });
    },
  };
}
