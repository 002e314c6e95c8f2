import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { RequestWithUser } from '#src/common/auth/auth.decorators.js';
import { limitHolder } from '#src/common/auth/auth-user.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { RATE_LIMITED_ROUTE, type RateLimitedRoute } from '#src/common/throttling/rate-limit.decorator.js';
import { type RateLimitRecord, SharedThrottlerStorage } from '#src/common/throttling/shared-throttler.storage.js';
import { AppConfig } from '#src/config/app-config.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether requests of this HTTP method count against the limits (writes do, reads never). */
export const isCountedMethod = (method: string) => !READS.has(method.toUpperCase());
const MINUTE = 60_000;

interface Policy {
  /** The counter key's prefix and the RateLimit-Policy name. */
  name: string;
  limit: number;
  windowMs: number;
  /** Whom the request counts against, or null when the policy does not apply to it. */
  tracker(req: RequestWithUser, route: RateLimitedRoute | undefined): string | null;
}

/** IPv6 callers are counted per /64, as one host usually holds a whole /64. */
export function ipTracker(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (!ip.includes(':') || ip.startsWith('::ffff:')) return ip.replace(/^::ffff:/, '');
  const groups = ip.split('::');
  const head = groups[0] ? groups[0].split(':') : [];
  const tail = groups.length > 1 && groups[1] ? groups[1].split(':') : [];
  const full = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return `${full
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Global HTTP guard, after the JWT guard (so `req.user` is known): each write counts against the
 * caller's user and IP; signup (with password-reset requests) and login count against the IP only, with their own limits (a
 * password change counts as a login attempt from its IP). Reads
 * are never counted. A refusal is AppError(RATE_LIMITED) with Retry-After and the IETF draft's
 * RateLimit-Policy and RateLimit headers (draft-ietf-httpapi-ratelimit-headers), naming the policy.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly policies: Policy[];

  constructor(
    private readonly reflector: Reflector,
    private readonly storage: SharedThrottlerStorage,
    config: AppConfig,
  ) {
    const { limits } = config;
    const ip = (req: RequestWithUser) => ipTracker(req.ip);
    this.policies = [
      { name: 'writes-user', limit: limits.writesPerMinute, windowMs: MINUTE, tracker: (req, route) => (route || !req.user ? null : limitHolder(req.user)) },
      { name: 'writes-ip', limit: limits.writesPerMinutePerIp, windowMs: MINUTE, tracker: (req, route) => (route ? null : ip(req)) },
      { name: 'signup-ip', limit: limits.signupPerHourPerIp, windowMs: 60 * MINUTE, tracker: (req, route) => (route === 'signup' || route === 'password-reset' ? ip(req) : null) },
      { name: 'login-ip', limit: limits.loginPerMinutePerIp, windowMs: MINUTE, tracker: (req, route) => (route === 'login' || route === 'password' ? ip(req) : null) },
    ];
  }

  /**
   * Synchronous while hits are batched (the default): no promise, no tick, on every write. With
   * RATE_LIMIT_FLUSH_MS=0 each hit waits for the store.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<RequestWithUser>();
    if (!isCountedMethod(req.method)) return true;
    const route = this.reflector.get<RateLimitedRoute | undefined>(RATE_LIMITED_ROUTE, context.getHandler());
    for (let i = 0; i < this.policies.length; i++) {
      const policy = this.policies[i];
      const tracker = policy.tracker(req, route);
      if (tracker === null) continue;
      const record = this.storage.incrementBatched(`${policy.name}:${tracker}`, policy.windowMs, policy.limit);
      if (!record) return this.countInStore(req, route, i);
      if (record.isBlocked) throw limited(policy, record);
    }
    return true;
  }

  /** The policies from `first` on, each hit added to the store before it is decided. */
  private async countInStore(req: RequestWithUser, route: RateLimitedRoute | undefined, first: number): Promise<boolean> {
    for (const policy of this.policies.slice(first)) {
      const tracker = policy.tracker(req, route);
      if (tracker === null) continue;
      const record = await this.storage.increment(`${policy.name}:${tracker}`, policy.windowMs, policy.limit);
      if (record.isBlocked) throw limited(policy, record);
    }
    return true;
  }
}

/** The 429 of a policy whose counter is over its limit: Retry-After and the RateLimit headers. */
export function limited(policy: Pick<Policy, 'name' | 'limit' | 'windowMs'>, record: RateLimitRecord): AppError {
  const windowSeconds = Math.round(policy.windowMs / 1000);
  const retryAfter = String(record.timeToBlockExpire);
  return new AppError(
    ErrorCode.RATE_LIMITED,
    `Too many requests: at most ${policy.limit} per ${windowSeconds} s (${policy.name}); retry in ${retryAfter} s`,
    [{ policy: policy.name, limit: policy.limit, window_seconds: windowSeconds, retry_after_seconds: record.timeToBlockExpire }],
    {
      'Retry-After': retryAfter,
      'RateLimit-Policy': `"${policy.name}";q=${policy.limit};w=${windowSeconds}`,
      RateLimit: `"${policy.name}";r=0;t=${retryAfter}`,
    },
  );
}
