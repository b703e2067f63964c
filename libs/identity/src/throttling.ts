import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { AppConfig } from '@chairtime/config';
import { TOO_MANY_ATTEMPTS } from './auth.service';
import { MemoryThrottlerStorage } from './throttler-memory.storage';

const LOGIN_THROTTLED = 'chairtime:login-throttled';

/** Guessing budget per client address and email on sign-in routes, per minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

/** Puts a route under the tight sign-in limit (per IP and email) on top of the global one. */
export const LoginThrottle = (): MethodDecorator => SetMetadata(LOGIN_THROTTLED, true);

function loginTracker(req: { ip?: string; body?: unknown }): string {
  const body = typeof req.body === 'object' && req.body !== null ? (req.body as { email?: unknown }) : {};
  const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
  return `${req.ip ?? '?'}|${email}`;
}

/**
 * Two limits: `default` per client address on every route (THROTTLE_LIMIT_PER_MINUTE), and
 * `login` per address + email on routes marked {@link LoginThrottle}, so one address cannot
 * spray guesses at one account even below the global limit. Counters live in process memory: with
 * several API instances behind a balancer each enforces its own (the (account, source) delays
 * and the spraying limit in Postgres, LoginThrottler, hold cluster-wide); {@link MemoryThrottlerStorage} keeps them at a
 * constant cost per request.
 */
export function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    errorMessage: TOO_MANY_ATTEMPTS,
    storage: new MemoryThrottlerStorage(),
    throttlers: [
      // Keyed by address alone (the library keys by route too): the budget covers the whole API.
      { name: 'default', ttl: 60_000, limit: config.throttleLimitPerMinute, generateKey: (_ctx, tracker, name) => `${name}-${tracker}` },
      {
        name: 'login',
        ttl: 60_000,
        limit: LOGIN_ATTEMPTS_PER_MINUTE,
        skipIf: (ctx: ExecutionContext) => Reflect.getMetadata(LOGIN_THROTTLED, ctx.getHandler()) !== true,
        getTracker: loginTracker,
      },
    ],
  };
}
