import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { instanceSecret } from './instance-secret';

// Without JWT_SECRET the secret is generated in DATA_DIR: a scratch folder, never the repository's.
const scratch = mkdtempSync(join(tmpdir(), 'chairtime-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const base = { DATABASE_URL: 'postgres://u@localhost:5432/db', REDIS_URL: 'redis://localhost:6379', DATA_DIR: join(scratch, 'data') };

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts a minimal development environment and fills defaults', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({ nodeEnv: 'development', port: 3000, demoSeed: true, accessTokenTtlSeconds: 900, queuePrefix: '{chairtime}' });
  });

  it.each([
    [{ DATABASE_URL: undefined }, 'DATABASE_URL', 'is required'],
    [{ DATABASE_URL: 'nonsense' }, 'DATABASE_URL', 'must be a URL'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL', 'must use postgres'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL', 'must use redis'],
    [{ PORT: '70000' }, 'PORT', 'between 1 and 65535'],
    [{ PORT: 'abc' }, 'PORT', 'whole number'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE', 'between 1 and 200'],
    [{ DATABASE_POOL_SIZE: 'many' }, 'DATABASE_POOL_SIZE', 'whole number'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV', 'one of'],
    [{ DEMO_SEED: 'maybe' }, 'DEMO_SEED', 'true or false'],
    [{ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long-enough-password' }, 'ADMIN_EMAIL', 'email'],
    [{ ADMIN_EMAIL: 'a@b.co' }, 'ADMIN_PASSWORD', 'go together'],
    [{ ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD', 'at least 12'],
    [{ NODE_ENV: 'production', DEMO_SEED: 'false' }, 'JWT_SECRET', 'required in production'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET', 'at least 32'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DEMO_SEED: 'true' }, 'DEMO_SEED', 'off in production'],
    [{ QUEUE_PREFIX: 'chairtime' }, 'QUEUE_PREFIX', 'hash tag'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY', 'hop count'],
    [{ TRUST_PROXY: '10.0.0.0/40' }, 'TRUST_PROXY', 'hop count'],
    [{ LOGIN_MAX_FAILURES: '5' }, 'LOGIN_MAX_FAILURES', 'no longer used'],
    [{ SMTP_URL: 'http://mail.test' }, 'SMTP_URL', 'must use smtp'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'SMTP_URL', 'required in production'],
    [{ SMTP_FROM: 'Clinic <nobody>' }, 'SMTP_FROM', 'email address'],
    [{ CLOCK_OFFSET_MS: '2 minutes' }, 'CLOCK_OFFSET_MS', 'whole number'],
    [{ CLOCK_OFFSET_MS: '-90000000' }, 'CLOCK_OFFSET_MS', '±1 day'],
    [
      { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), CLOCK_OFFSET_MS: '120000', SMTP_URL: 'smtp://mail.test' },
      'CLOCK_OFFSET_MS',
      'refused in production',
    ],
  ])('refuses %j naming %s', (override, variable, fragment) => {
    const env = { ...base, ...override } as Record<string, string>;
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const err = errorOf(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
    expect(err.message).toContain(fragment);
    expect(err.message).not.toContain('\n');
  });

  it('reads a signed clock offset for tests and defaults it to 0', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'test', CLOCK_OFFSET_MS: '-120000' }).clockOffsetMs).toBe(-120_000);
    expect(loadConfig(base).clockOffsetMs).toBe(0);
  });

  it('leaves the pool size to the process role unless DATABASE_POOL_SIZE sets it', () => {
    expect(loadConfig(base).databasePoolSize).toBeNull();
    expect(loadConfig({ ...base, DATABASE_POOL_SIZE: '12' }).databasePoolSize).toBe(12);
  });

  it('turns the demo seed off by default in production', () => {
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'y'.repeat(40), SMTP_URL: 'smtp://mail.test' }).demoSeed).toBe(false);
  });

  it('reads the email channel settings', () => {
    const c = loadConfig({ ...base, SMTP_URL: 'smtps://u:p@mail.test:465', SMTP_FROM: 'Riverside <hello@riverside.test>' });
    expect(c).toMatchObject({ smtpUrl: 'smtps://u:p@mail.test:465', smtpFrom: 'Riverside <hello@riverside.test>' });
    expect(loadConfig(base).smtpUrl).toBeNull();
  });

  it('trusts no proxy unless TRUST_PROXY names one', () => {
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '::1']);
  });

  describe('without JWT_SECRET (outside production)', () => {
    it('generates a random secret once in DATA_DIR/jwt-secret (0600) and every later load reads the same', () => {
      const dataDir = join(scratch, 'instance-a');
      const first = loadConfig({ ...base, DATA_DIR: dataDir }).jwtSecret;
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(first).not.toBe('chairtime-development-secret-not-for-production');
      expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim()).toBe(first);
      expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
      expect(loadConfig({ ...base, DATA_DIR: dataDir }).jwtSecret).toBe(first);
      // Another instance gets its own.
      expect(loadConfig({ ...base, DATA_DIR: join(scratch, 'instance-b') }).jwtSecret).not.toBe(first);
    });

    it('keeps the secret a racing process created first', () => {
      const dataDir = join(scratch, 'instance-c');
      const winner = instanceSecret(dataDir);
      expect(instanceSecret(dataDir)).toBe(winner);
      writeFileSync(join(dataDir, 'jwt-secret'), 'w'.repeat(40), { mode: 0o644 });
      expect(instanceSecret(dataDir)).toBe('w'.repeat(40));
      expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    });

    it('uses JWT_SECRET when given and writes nothing', () => {
      const dataDir = join(scratch, 'instance-d');
      expect(loadConfig({ ...base, DATA_DIR: dataDir, JWT_SECRET: 'z'.repeat(40) }).jwtSecret).toBe('z'.repeat(40));
      expect(() => statSync(join(dataDir, 'jwt-secret'))).toThrow();
    });
  });
});
