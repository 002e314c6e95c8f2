import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { pino } from 'pino';
import { AppModule } from '#src/app.module.js';
import { ConfigError, loadConfig } from '#src/config/app-config.js';
import { prepareClose, SHUTDOWN_TIMEOUT_MS } from '#src/close-app.js';
import { configureApp } from '#src/configure-app.js';
import { logDestination } from '#src/common/logging/logger.options.js';
import { runMigrations } from '#src/database/data-source.js';
import { type RunningPostgres, startEmbeddedPostgres } from '#src/database/embedded-postgres.js';

/** Set once a signal arrived: a start-up step that fails because of it is not a start-up failure. */
let stopping = false;

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel, base: { context: 'Bootstrap' } }, logDestination(config.nodeEnv));
  const started = Date.now();

  let embedded: RunningPostgres | null = null;
  let closeApp: (() => Promise<void>) | null = null;
  /**
   * Ctrl-C, SIGTERM or a closed terminal: the app closes in order (see close-app.ts), then the
   * embedded database stops, all within SHUTDOWN_TIMEOUT_MS. Installed before start-up, so a
   * signal then also stops the embedded database.
   */
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const begun = Date.now();
    log.info({ signal }, 'Shutting down');
    setTimeout(() => {
      log.error(`Shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      process.exit(1); // the embedded database is stopped by its exit hook
    }, SHUTDOWN_TIMEOUT_MS).unref();
    let code = 0;
    try {
      await closeApp?.();
    } catch (error) {
      code = 1;
      log.error({ err: error }, 'Error while closing the application');
    }
    try {
      await embedded?.stop();
    } catch (error) {
      code = 1;
      log.error({ err: error }, 'Error while stopping the embedded PostgreSQL');
    }
    log.info({ ms: Date.now() - begun }, 'Stopped');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // embedded-postgres installs handlers (async-exit-hook) that exit at once, cutting the app's
    // own shutdown short; we stop the database ourselves, after the app.
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }

  let databaseUrl = config.databaseUrl;
  if (databaseUrl) {
    log.info({ database: redactUrl(databaseUrl) }, 'Using the PostgreSQL from DATABASE_URL');
  } else {
    embedded = await startEmbeddedPostgres({
      dir: config.embeddedPgDir,
      port: config.embeddedPgPort,
      database: 'support',
      persistent: true,
      onLog: (line) => log.debug({ postgres: line.trim() }),
    });
    databaseUrl = embedded.url;
    log.info({ database: redactUrl(databaseUrl), dir: config.embeddedPgDir }, 'DATABASE_URL is unset: started an embedded PostgreSQL');
  }

  const ran = await runMigrations(databaseUrl);
  log.info({ migrations: ran }, ran.length ? 'Ran migrations' : 'Schema is up to date');

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ ...config, databaseUrl }), {
    bodyParser: false,
    bufferLogs: true,
  });
  closeApp = prepareClose(app);
  await configureApp(app);
  await app.listen(config.port);
  log.info({ port: config.port, ms: Date.now() - started }, `Listening on http://localhost:${config.port} (docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  if (stopping) return;
  pino({ base: { context: 'Bootstrap' } }).fatal({ err: error }, 'The service could not start');
  process.exit(1);
});
