import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { pino } from 'pino';
import { AppModule } from '#src/app.module.js';
import { ConfigError, loadConfig } from '#src/config/app-config.js';
import { configureApp } from '#src/configure-app.js';
import { runMigrations } from '#src/database/data-source.js';
import { type RunningPostgres, startEmbeddedPostgres } from '#src/database/embedded-postgres.js';

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
  const log = pino({ level: config.logLevel, base: { context: 'Bootstrap' } });
  const started = Date.now();

  let embedded: RunningPostgres | null = null;
  let app: NestExpressApplication | null = null;
  let stopping = false;
  // Installed first, so a signal during start-up also stops the embedded database cleanly.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down');
    let code = 0;
    try {
      await app?.close();
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
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // embedded-postgres installs handlers (async-exit-hook) that stop its clusters and exit at
    // once, cutting the app's own shutdown short; we stop the cluster ourselves after the app.
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

  app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ ...config, databaseUrl }), {
    bodyParser: false,
    bufferLogs: true,
  });
  await configureApp(app);
  await app.listen(config.port);
  log.info({ port: config.port, ms: Date.now() - started }, `Listening on http://localhost:${config.port} (docs at /docs)`);
}

bootstrap().catch((error: unknown) => {
  pino({ base: { context: 'Bootstrap' } }).fatal({ err: error }, 'The service could not start');
  process.exit(1);
});
