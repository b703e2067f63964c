import { ExecutionContext } from '@nestjs/common';
import { loadConfig } from '@chairtime/config';
import { LOGIN_ATTEMPTS_PER_MINUTE, LoginThrottle, throttlerOptions } from './throttling';
import { hashRefreshToken, newRefreshToken } from './refresh-tokens';

class Probe {
  @LoginThrottle()
  login(): void {}

  other(): void {}
}

const ctxOf = (handler: () => void): ExecutionContext =>
  ({ getHandler: () => handler, getClass: () => Probe }) as unknown as ExecutionContext;

describe('throttler options', () => {
  const options = throttlerOptions(
    loadConfig({ DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h', THROTTLE_LIMIT_PER_MINUTE: '123' }),
  );
  const throttlers = Array.isArray(options) ? options : options.throttlers;
  const byName = Object.fromEntries(throttlers.map((t) => [t.name, t]));

  it('has a global per-address limit from THROTTLE_LIMIT_PER_MINUTE, keyed by address alone', () => {
    expect(byName.default).toMatchObject({ limit: 123, ttl: 60_000 });
    expect(byName.default.generateKey!(ctxOf(Probe.prototype.login), '10.0.0.1', 'default')).toBe(
      byName.default.generateKey!(ctxOf(Probe.prototype.other), '10.0.0.1', 'default'),
    );
  });

  it('applies the login limit only to marked routes, tracking address + normalised email', async () => {
    const login = byName.login;
    expect(login.limit).toBe(LOGIN_ATTEMPTS_PER_MINUTE);
    expect(login.skipIf!(ctxOf(Probe.prototype.login))).toBe(false);
    expect(login.skipIf!(ctxOf(Probe.prototype.other))).toBe(true);
    const ctx = ctxOf(Probe.prototype.login);
    expect(await login.getTracker!({ ip: '10.0.0.1', body: { email: '  Ann@Example.COM ' } }, ctx)).toBe('10.0.0.1|ann@example.com');
    expect(await login.getTracker!({ ip: '10.0.0.1', body: 'not json' }, ctx)).toBe('10.0.0.1|');
  });
});

describe('refresh tokens', () => {
  it('are 32 random bytes (base64url) stored as a sha256 hex digest', () => {
    const a = newRefreshToken();
    const b = newRefreshToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashRefreshToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRefreshToken(a)).toBe(hashRefreshToken(a));
    expect(hashRefreshToken(a)).not.toBe(hashRefreshToken(b));
  });
});
