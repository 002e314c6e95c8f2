import { ConfigError, DEV_JWT_SECRET, loadConfig, mailAddressOf, parseDurationSeconds } from '#src/config/app-config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('loadConfig', () => {
  it('gives safe defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: null,
      jwtSecret: DEV_JWT_SECRET,
      jwtExpiresInSeconds: 3600,
      adminEmail: null,
      redisUrl: null,
      uploadDir: './uploads',
      uploadMaxBytes: 25 * 1024 * 1024,
      uploadPendingTtlMinutes: 60,
      cronEnabled: true,
      slaWarningMinutes: 60,
      smtpUrl: null,
      metricsToken: null,
      docsEnabled: true,
      locale: 'en',
      httpHeadersTimeoutSeconds: 20,
      httpRequestTimeoutSeconds: 300,
    });
    expect(config.imap).toMatchObject({ host: null, pollSeconds: 30, mailbox: 'INBOX' });
  });

  it('reads and converts every kind of setting', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/support',
      JWT_EXPIRES_IN: '15m',
      ADMIN_EMAIL: ' Admin@Example.com ',
      ADMIN_PASSWORD: 'long-enough',
      CORS_ORIGINS: 'https://a.example, https://b.example:8443',
      CRON_ENABLED: 'false',
      IMAP_HOST: 'imap.example',
      IMAP_USER: 'u',
      IMAP_PASSWORD: 'p',
      IMAP_TLS: 'no',
      REDIS_URL: 'redis://127.0.0.1:6379',
      LOCALE: 'ru',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u:p@db:5432/support',
      jwtExpiresInSeconds: 900,
      adminEmail: 'admin@example.com',
      corsOrigins: ['https://a.example', 'https://b.example:8443'],
      cronEnabled: false,
      redisUrl: 'redis://127.0.0.1:6379',
      locale: 'ru',
    });
    expect(config.imap).toMatchObject({ host: 'imap.example', tls: false });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ JWT_EXPIRES_IN: 'forever' }, 'JWT_EXPIRES_IN'],
    [{ JWT_EXPIRES_IN: '10s' }, 'JWT_EXPIRES_IN'],
    [{ CRON_ENABLED: 'sometimes' }, 'CRON_ENABLED'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LOCALE: 'de' }, 'LOCALE'],
    [{ LOCALE: 'ru_RU.UTF-8' }, 'LOCALE'],
    [{ ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'long-enough' }, 'ADMIN_EMAIL'],
    [{ ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'x'.repeat(201) }, 'ADMIN_PASSWORD'],
    [{ SLA_URGENT: '30m' }, 'SLA_URGENT'],
    [{ SLA_HIGH: '8h/1h' }, 'SLA_HIGH'],
    [{ SLA_MEDIUM: '90s/4h' }, 'SLA_MEDIUM'],
    [{ SLA_LOW: 'soon/later' }, 'SLA_LOW'],
    [{ CORS_ORIGINS: 'https://a.example/path' }, 'CORS_ORIGINS'],
    [{ UPLOAD_MAX_BYTES: '0' }, 'UPLOAD_MAX_BYTES'],
    [{ UPLOAD_PENDING_TTL_MINUTES: '1' }, 'UPLOAD_PENDING_TTL_MINUTES'],
    [{ IMAP_HOST: 'imap.example' }, 'IMAP_USER'],
    [{ REDIS_URL: 'http://redis' }, 'REDIS_URL'],
    [{ SMTP_URL: 'ftp://mail' }, 'SMTP_URL'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ DOCS_ENABLED: 'maybe' }, 'DOCS_ENABLED'],
    [{ HTTP_HEADERS_TIMEOUT_SECONDS: '0' }, 'HTTP_HEADERS_TIMEOUT_SECONDS'],
    [{ HTTP_REQUEST_TIMEOUT_SECONDS: '3601' }, 'HTTP_REQUEST_TIMEOUT_SECONDS'],
    [{ HTTP_HEADERS_TIMEOUT_SECONDS: '60', HTTP_REQUEST_TIMEOUT_SECONDS: '30' }, 'HTTP_HEADERS_TIMEOUT_SECONDS'],
  ])('refuses %j with a message naming %s', (env, name) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it('reads SLA targets per priority as FRT/TTR durations, keeping the defaults for the others', () => {
    const config = loadConfig({ SLA_URGENT: '15m/2h', SLA_LOW: '1d/7d' });
    expect(config.slaDefaults).toEqual({
      urgent: { frtMinutes: 15, ttrMinutes: 120 },
      high: { frtMinutes: 60, ttrMinutes: 480 },
      medium: { frtMinutes: 240, ttrMinutes: 1440 },
      low: { frtMinutes: 1440, ttrMinutes: 10080 },
    });
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ PORT: 'x', CRON_ENABLED: 'y' })).toHaveLength(2);
  });

  it.each([
    [{ NODE_ENV: 'production' }, 'JWT_SECRET must be set'],
    [{ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET }, 'JWT_SECRET must be set'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'short' }, 'at least 32'],
  ])('refuses a missing or weak JWT_SECRET in production: %j', (env, message) => {
    expect(problemsOf(env).join()).toContain(message);
  });

  it('accepts a real secret in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).jwtSecret).toBe('x'.repeat(40));
  });

  it('reads the outbound mail settings, with safe defaults', () => {
    expect(loadConfig({})).toMatchObject({
      mail: { autoPerHour: 20, linksPerHour: 5, attachmentsMaxBytes: 10_485_760 },
      outbox: { maxAttempts: 10, retryBaseSeconds: 30 },
      publicUrl: 'http://localhost:3000',
      passwordLinkTtlSeconds: 3600,
    });
    const config = loadConfig({ PUBLIC_URL: 'https://help.example.com/', PASSWORD_LINK_TTL: '15m', MAIL_FROM: 'help@example.com' });
    expect(config).toMatchObject({ publicUrl: 'https://help.example.com', passwordLinkTtlSeconds: 900, mailFrom: 'help@example.com' });
  });

  it.each([
    [{ MAIL_FROM: 'Support' }, 'MAIL_FROM must be an address'],
    [{ MAIL_FROM: 'Support <not an address>' }, 'MAIL_FROM must be an address'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL must be a URL'],
    [{ OUTBOX_MAX_ATTEMPTS: '0' }, 'OUTBOX_MAX_ATTEMPTS must be an integer'],
    [{ PASSWORD_LINK_TTL: '10s' }, 'PASSWORD_LINK_TTL must be a duration'],
  ])('refuses a bad mail setting: %j', (env, message) => {
    expect(problemsOf(env).join()).toContain(message);
  });

  it.each([
    ['Support <support@example.com>', 'support@example.com'],
    ['support@localhost', 'support@localhost'],
    ['"Acme, Inc." < help@acme.example >', 'help@acme.example'],
    ['nobody', null],
  ])('mailAddressOf(%j) is %j', (from, address) => {
    expect(mailAddressOf(from)).toBe(address);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: null });
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['900', 900],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604800],
    ['30S', 30],
    ['1w', null],
    ['', null],
    ['1.5h', null],
  ])('%s -> %s', (input, expected) => {
    expect(parseDurationSeconds(input)).toBe(expected);
  });
});
