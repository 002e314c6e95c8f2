import { SetMetadata } from '@nestjs/common';

/** Routes with their own per-IP limit instead of the write limits: see ThrottlingModule. */
/** `password-reset` counts against the signup limit per IP. */
export type RateLimitedRoute = 'signup' | 'login' | 'password' | 'password-reset';

export const RATE_LIMITED_ROUTE = 'rate-limited-route';

export const RateLimitedRoute = (route: RateLimitedRoute) => SetMetadata(RATE_LIMITED_ROUTE, route);
