/**
 * First-response and resolution targets in minutes, per priority (SLA_URGENT … SLA_LOW): what a new
 * database's SLA policies are seeded with (SlaService).
 */
export interface SlaTargets {
  frtMinutes: number;
  ttrMinutes: number;
}
export type SlaPolicy = Record<'urgent' | 'high' | 'medium' | 'low', SlaTargets>;

/**
 * The typed configuration of the service. `loadConfig` is the only reader of the environment:
 * it validates every setting at start-up and fails with a message that names the bad ones.
 */
export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** Languages of system texts (LOCALE); each has a catalogue in src/common/i18n/. */
export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];

export const DEV_JWT_SECRET = 'dev-only-secret-change-me';

/** Longest password the login form takes (LoginDto): a longer ADMIN_PASSWORD could never sign in. */
const MAX_PASSWORD_LENGTH = 200;


export class AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  /** Unset: an embedded PostgreSQL is started under `embeddedPgDir`. */
  databaseUrl: string | null;
  embeddedPgDir: string;
  /** 0 picks a free port at start-up. */
  embeddedPgPort: number;
  jwtSecret: string;
  jwtExpiresInSeconds: number;
  adminEmail: string | null;
  adminPassword: string | null;
  corsOrigins: string[];
  redisUrl: string | null;
  uploadDir: string;
  uploadMaxBytes: number;
  /** Files one message or note may carry. */
  uploadMaxFiles: number;
  /** Files on disk without a row are removed once older than this (in-flight uploads are younger). */
  uploadOrphanGraceMinutes: number;
  /** An upload made for a message (`?for=message`) that no message claimed within this is removed. */
  uploadPendingTtlMinutes: number;
  cronEnabled: boolean;
  slaWarningMinutes: number;
  /** Deadlines per priority for new tickets (SLA_URGENT, SLA_HIGH, SLA_MEDIUM, SLA_LOW). */
  slaDefaults: SlaPolicy;
  imap: {
    host: string | null;
    port: number;
    user: string | null;
    password: string | null;
    tls: boolean;
    mailbox: string;
    pollSeconds: number;
    /** IMAP_SINCE: the first poll of a mailbox also takes mail that arrived on or after this date. */
    since: Date | null;
    /** Every IMAP call (connect, search, fetch) gives up after this many seconds. */
    timeoutSeconds: number;
    /** A mail larger than this is recorded as failed, never fetched. */
    maxMailBytes: number;
  };
  /** Unset: no mail is queued or sent. */
  smtpUrl: string | null;
  /** The From of every mail, `Name <address>` or a bare address; its domain names our Message-IDs. */
  mailFrom: string;
  mail: {
    /** Automatic mails (confirmations, notifications) one address may get per hour; more are dropped. */
    autoPerHour: number;
    /** Password-reset and account-claim links one address may get per hour. */
    linksPerHour: number;
    /** Bytes of files one reply mail may attach (file sizes, before base64); files past it are named with a note instead. */
    attachmentsMaxBytes: number;
  };
  /** Deliveries of the shared outbox (mail, later webhooks). */
  outbox: {
    /** Attempts before a row is given up (`dead`). */
    maxAttempts: number;
    /** The wait after the first failure; it doubles with each (jittered, at most an hour). */
    retryBaseSeconds: number;
  };
  /** Outgoing webhooks (issue 16). */
  webhooks: {
    /** WEBHOOK_ALLOW_PRIVATE: deliveries may go to loopback, private and link-local addresses (tests, one-box setups). */
    allowPrivate: boolean;
    /** WEBHOOK_DISABLE_AFTER_FAILURES: an endpoint is made inactive after this many deliveries in a row were given up. */
    disableAfterFailures: number;
  };
  /** Where users reach the service: links in mail are built from it. */
  publicUrl: string;
  /** How long a password-reset or account-claim link works. */
  passwordLinkTtlSeconds: number;
  llm: {
    baseUrl: string | null;
    apiKey: string | null;
    model: string;
    /** LLM_TIMEOUT_SECONDS: the longest wait for a suggested reply to start, and between two pieces of it. */
    timeoutSeconds: number;
    /** AI_REPLIES_PER_HOUR: suggested replies one user may ask for per hour (each costs money upstream). */
    repliesPerHour: number;
    /** AI_CATEGORISE_TIMEOUT_SECONDS: the longest wait for a new ticket's suggested category and queue. */
    categoriseTimeoutSeconds: number;
    /** AI_APPLY_SUGGESTIONS: apply the suggestion too (the category while none is set, the queue while no agent holds the ticket). */
    applySuggestions: boolean;
  };
  logLevel: LogLevel;
  /** The language of system texts: seeded queue names, system messages, mail and SLA log lines. */
  locale: Locale;
  /** New and waiting tickets go to the least-loaded agent automatically. */
  autoAssign: boolean;
  /** Active tickets an agent may hold before automatic assignment passes them over. */
  agentCapacity: number;
  bot: {
    /** BOT_ENABLED: a customer's new live chat goes to the bot first, until it hands over to people. */
    enabled: boolean;
  };
  /** Messages (and new tickets) one socket may send per 10 seconds. */
  chatRateLimit: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  trustProxy: boolean;
  /** When set, `GET /metrics` requires `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | null;
  /** Serve Swagger UI at /docs and the OpenAPI document at /docs-json. */
  docsEnabled: boolean;
  /** A client must send all request headers within this time (Node's server.headersTimeout). */
  httpHeadersTimeoutSeconds: number;
  /** A client must send a whole request, body included, within this time (server.requestTimeout). */
  httpRequestTimeoutSeconds: number;
  /** Limits shared by all instances (common/throttling) and the socket cap (see README "Limits"). */
  limits: {
    /** Writes (POST, PUT, PATCH, DELETE) one signed-in user may make per minute. */
    writesPerMinute: number;
    /** Writes one IP address may make per minute, signed in or not. */
    writesPerMinutePerIp: number;
    signupPerHourPerIp: number;
    /** Login attempts per IP per minute, whatever the e-mail (password spraying). */
    loginPerMinutePerIp: number;
    /** Hits are counted in memory and added to the shared counters this often; 0: every hit at once. */
    flushMs: number;
    /** Sockets one user may hold open on one instance. */
    chatMaxSocketsPerUser: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | null {
    return this.raw(name) ?? null;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  /** A calendar date (YYYY-MM-DD, taken as UTC midnight) or a full ISO timestamp; unset: null. */
  date(name: string): Date | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    const date = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? new Date(`${value.trim()}T00:00:00Z`) : new Date(value);
    if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
      this.problems.push(`${name} must be a date such as 2026-01-31 (got "${value}")`);
      return null;
    }
    return date;
  }

  url(name: string, protocols: readonly string[]): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return value;
    } catch {
      this.problems.push(`${name} must be a URL starting with ${protocols.join(' or ')}`);
      return null;
    }
  }

  /** "FRT/TTR" as two durations in whole minutes, e.g. "30m/4h"; the FRT may not exceed the TTR. */
  slaTargets(name: string, fallback: SlaTargets): SlaTargets {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const [frt, ttr] = value.split('/').map((part) => parseDurationSeconds(part));
    const valid = value.split('/').length === 2 && frt != null && ttr != null && frt % 60 === 0 && ttr % 60 === 0 && frt >= 60 && frt <= ttr && ttr <= 365 * 86400;
    if (!valid) {
      this.problems.push(`${name} must be "FRT/TTR" in whole minutes with FRT <= TTR, such as 30m/4h (got "${value}")`);
      return fallback;
    }
    return { frtMinutes: frt / 60, ttrMinutes: ttr / 60 };
  }

  duration(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const seconds = parseDurationSeconds(value);
    if (seconds === null || seconds < 60 || seconds > 30 * 86400) {
      this.problems.push(`${name} must be a duration from 1m to 30d, such as 900, 15m, 1h or 7d (got "${value}")`);
      return fallback;
    }
    return seconds;
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "900" -> 900, "15m" -> 900, "1h" -> 3600, "7d" -> 604800; anything else -> null. */
export function parseDurationSeconds(value: string): number | null {
  const match = /^(\d+)\s*([smhd]?)$/i.exec(value.trim());
  if (!match) return null;
  return Number(match[1]) * UNIT_SECONDS[(match[2] || 's').toLowerCase()];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The address of `Name <address>` or of a bare address (a dotless domain such as localhost allowed); null if neither. */
export function mailAddressOf(from: string): string | null {
  const match = /^(?:[^<>]*<\s*([^<>\s]+@[^<>\s]+)\s*>|([^<>\s]+@[^<>\s]+))$/.exec(from.trim());
  return match ? (match[1] ?? match[2]) : null;
}

export function loadConfig(env: Env): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf<NodeEnv>('NODE_ENV', 'development', ['development', 'production', 'test']);

  const jwtSecret = r.string('JWT_SECRET', DEV_JWT_SECRET);
  if (nodeEnv === 'production' && jwtSecret === DEV_JWT_SECRET) {
    r.problems.push('JWT_SECRET must be set to a secret of your own in production');
  } else if (nodeEnv === 'production' && jwtSecret.length < 32) {
    r.problems.push('JWT_SECRET must be at least 32 characters long in production');
  }

  const adminEmail = r.optional('ADMIN_EMAIL')?.toLowerCase() ?? null;
  const adminPassword = r.optional('ADMIN_PASSWORD');
  if (adminEmail !== null && !EMAIL.test(adminEmail)) r.problems.push('ADMIN_EMAIL must be an e-mail address');
  if (adminPassword !== null && (adminPassword.length < 8 || adminPassword.length > MAX_PASSWORD_LENGTH)) {
    r.problems.push(`ADMIN_PASSWORD must be 8 to ${MAX_PASSWORD_LENGTH} characters long`);
  }

  const corsOrigins = r
    .string('CORS_ORIGINS', 'http://localhost:3000')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      r.problems.push(`CORS_ORIGINS has "${origin}", which is not an origin such as https://app.example.com`);
    }
  }

  const config: AppConfig = {
    nodeEnv,
    port: r.int('PORT', 3000, 0, 65535),
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    embeddedPgDir: r.string('EMBEDDED_PG_DIR', './.data/postgres'),
    embeddedPgPort: r.int('EMBEDDED_PG_PORT', 0, 0, 65535),
    jwtSecret,
    jwtExpiresInSeconds: r.duration('JWT_EXPIRES_IN', 3600),
    adminEmail,
    adminPassword,
    corsOrigins,
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    uploadDir: r.string('UPLOAD_DIR', './uploads'),
    uploadMaxBytes: r.int('UPLOAD_MAX_BYTES', 25 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    uploadMaxFiles: r.int('UPLOAD_MAX_FILES', 10, 1, 1000),
    uploadOrphanGraceMinutes: r.int('UPLOAD_ORPHAN_GRACE_MINUTES', 60, 10, 7 * 24 * 60),
    uploadPendingTtlMinutes: r.int('UPLOAD_PENDING_TTL_MINUTES', 60, 5, 7 * 24 * 60),
    cronEnabled: r.bool('CRON_ENABLED', true),
    slaWarningMinutes: r.int('SLA_WARNING_MINUTES', 60, 1, 7 * 24 * 60),
    slaDefaults: {
      urgent: r.slaTargets('SLA_URGENT', { frtMinutes: 30, ttrMinutes: 4 * 60 }),
      high: r.slaTargets('SLA_HIGH', { frtMinutes: 60, ttrMinutes: 8 * 60 }),
      medium: r.slaTargets('SLA_MEDIUM', { frtMinutes: 4 * 60, ttrMinutes: 24 * 60 }),
      low: r.slaTargets('SLA_LOW', { frtMinutes: 8 * 60, ttrMinutes: 48 * 60 }),
    },
    imap: {
      host: r.optional('IMAP_HOST'),
      port: r.int('IMAP_PORT', 993, 1, 65535),
      user: r.optional('IMAP_USER'),
      password: r.optional('IMAP_PASSWORD'),
      tls: r.bool('IMAP_TLS', true),
      mailbox: r.string('IMAP_MAILBOX', 'INBOX'),
      pollSeconds: r.int('IMAP_POLL_SECONDS', 30, 1, 86400),
      since: r.date('IMAP_SINCE'),
      timeoutSeconds: r.int('IMAP_TIMEOUT_SECONDS', 30, 1, 600),
      maxMailBytes: r.int('EMAIL_MAX_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    },
    smtpUrl: r.url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: r.string('MAIL_FROM', 'Support <support@localhost>'),
    mail: {
      autoPerHour: r.int('MAIL_AUTO_PER_HOUR', 20, 1, 100_000),
      linksPerHour: r.int('MAIL_LINKS_PER_HOUR', 5, 1, 1000),
      // 10 MB of files is about 13.5 MB once base64-encoded: under the common 20-25 MB limits of mail servers.
      attachmentsMaxBytes: r.int('MAIL_ATTACHMENTS_MAX_BYTES', 10 * 1024 * 1024, 0, 100 * 1024 * 1024),
    },
    outbox: {
      maxAttempts: r.int('OUTBOX_MAX_ATTEMPTS', 10, 1, 100),
      retryBaseSeconds: r.int('OUTBOX_RETRY_BASE_SECONDS', 30, 1, 3600),
    },
    webhooks: {
      allowPrivate: r.bool('WEBHOOK_ALLOW_PRIVATE', false),
      disableAfterFailures: r.int('WEBHOOK_DISABLE_AFTER_FAILURES', 5, 1, 1000),
    },
    publicUrl: (r.url('PUBLIC_URL', ['http:', 'https:']) ?? 'http://localhost:3000').replace(/\/+$/, ''),
    passwordLinkTtlSeconds: r.duration('PASSWORD_LINK_TTL', 3600),
    llm: {
      baseUrl: r.url('LLM_BASE_URL', ['http:', 'https:']),
      apiKey: r.optional('LLM_API_KEY'),
      model: r.string('LLM_MODEL', 'llama-3.1-8b-instant'),
      timeoutSeconds: r.int('LLM_TIMEOUT_SECONDS', 30, 1, 600),
      repliesPerHour: r.int('AI_REPLIES_PER_HOUR', 30, 1, 100_000),
      categoriseTimeoutSeconds: r.int('AI_CATEGORISE_TIMEOUT_SECONDS', 20, 1, 600),
      applySuggestions: r.bool('AI_APPLY_SUGGESTIONS', false),
    },
    logLevel: r.oneOf<LogLevel>('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    locale: r.oneOf<Locale>('LOCALE', 'en', LOCALES),
    autoAssign: r.bool('AUTO_ASSIGN', true),
    agentCapacity: r.int('AGENT_CAPACITY', 10, 1, 10000),
    bot: { enabled: r.bool('BOT_ENABLED', true) },
    chatRateLimit: r.int('CHAT_RATE_LIMIT', 20, 1, 100000),
    loginMaxFailures: r.int('LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginWindowSeconds: r.int('LOGIN_WINDOW_SECONDS', 300, 1, 86400),
    trustProxy: r.bool('TRUST_PROXY', false),
    metricsToken: r.optional('METRICS_TOKEN'),
    docsEnabled: r.bool('DOCS_ENABLED', true),
    httpHeadersTimeoutSeconds: r.int('HTTP_HEADERS_TIMEOUT_SECONDS', 20, 1, 300),
    httpRequestTimeoutSeconds: r.int('HTTP_REQUEST_TIMEOUT_SECONDS', 300, 1, 3600),
    limits: {
      writesPerMinute: r.int('RATE_LIMIT_WRITES_PER_MINUTE', 120, 1, 10_000_000),
      writesPerMinutePerIp: r.int('RATE_LIMIT_WRITES_PER_MINUTE_PER_IP', 600, 1, 10_000_000),
      signupPerHourPerIp: r.int('SIGNUP_PER_HOUR_PER_IP', 20, 1, 10_000_000),
      loginPerMinutePerIp: r.int('LOGIN_PER_MINUTE_PER_IP', 30, 1, 10_000_000),
      flushMs: r.int('RATE_LIMIT_FLUSH_MS', 100, 0, 10_000),
      chatMaxSocketsPerUser: r.int('CHAT_MAX_SOCKETS_PER_USER', 20, 1, 10_000),
    },
  };

  if (config.metricsToken !== null && config.metricsToken.length < 16) {
    r.problems.push('METRICS_TOKEN must be at least 16 characters long');
  }
  if (config.httpHeadersTimeoutSeconds > config.httpRequestTimeoutSeconds) {
    r.problems.push('HTTP_HEADERS_TIMEOUT_SECONDS must not exceed HTTP_REQUEST_TIMEOUT_SECONDS');
  }

  if (config.imap.host !== null && (config.imap.user === null || config.imap.password === null)) {
    r.problems.push('IMAP_USER and IMAP_PASSWORD must be set when IMAP_HOST is set');
  }

  if (mailAddressOf(config.mailFrom) === null) {
    r.problems.push(`MAIL_FROM must be an address such as support@example.com or "Support <support@example.com>" (got "${config.mailFrom}")`);
  }

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
