import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { instanceSecret, JWT_SECRET_FILE } from './instance-secret';

/**
 * Process configuration, read once from the environment and validated before anything starts.
 * A missing or malformed variable stops the process with one line that names it
 * ({@link ConfigError}); nothing else in the code reads `process.env`.
 */

export type NodeEnv = 'development' | 'test' | 'production';
export type Channel = 'log' | 'email' | 'sms';

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  databaseUrl: string;
  /**
   * Connections this process keeps to Postgres; null takes the process role's default (API 6,
   * worker 10). The pool is the admission control for database work: transactions beyond about
   * twice the database's cores only queue inside Postgres, where they wait on CPU and locks.
   */
  databasePoolSize: number | null;
  redisUrl: string;
  /** Redis Cluster seed nodes (host:port); when set, queues run on the cluster instead of REDIS_URL. */
  redisClusterNodes: { host: string; port: number }[] | null;
  /** Prefix of every BullMQ key; braces make it a Redis Cluster hash tag. */
  queuePrefix: string;
  adminEmail: string | null;
  adminPassword: string | null;
  demoSeed: boolean;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** How often an API process reads sign-outs made elsewhere (their access tokens are refused from then on). */
  sessionRevocationPollMs: number;
  /** Wrong passwords an (account, source) pair may make before each further one waits (doubling). */
  loginFreeFailures: number;
  /** Longest wait an (account, source) pair's failures can impose, in seconds. */
  loginMaxDelaySeconds: number;
  /** Failed sign-ins one source may make across all accounts in 15 minutes before it waits (spraying). */
  loginSourceMaxFailures: number;
  /**
   * Express `trust proxy`: which peers' X-Forwarded-For is believed (addresses, CIDRs, `loopback`
   * …, or a hop count); false trusts none, so the client address is the TCP peer's.
   */
  trustProxy: false | number | string[];
  /** The instance's data folder (the generated JWT secret lives there). */
  dataDir: string;
  corsOrigins: string[];
  bodyLimit: string;
  logLevel: string;
  auditRetentionDays: number;
  publicBaseUrl: string;
  /** Folder of the built web app (index.html and assets/) the API serves at `/`. */
  webDistDir: string;
  /** SMTP server of the email channel; null outside production sends email to the `log` channel. */
  smtpUrl: string | null;
  /** From address of patient email, `Name <address>` or a bare address. */
  smtpFrom: string;
  sms: { baseUrl: string; accountSid: string; authToken: string; from: string; timeoutMs: number } | null;
  /** Channel used when a patient's preferred channel has no transport configured. */
  fallbackChannel: Channel;
  workerConcurrency: number;
  throttleLimitPerMinute: number;
  /**
   * Test knob: milliseconds added to this process's clock, so fault tests can run a worker whose
   * clock is skewed against the database and the API. Always 0 in production (refused there).
   */
  clockOffsetMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Settings that were removed: naming them is an error that says what replaced them. */
const REPLACED: Record<string, string> = {
  LOGIN_MAX_FAILURES: 'accounts are no longer locked; see LOGIN_FREE_FAILURES and LOGIN_MAX_DELAY_SECONDS',
  LOGIN_LOCK_MINUTES: 'accounts are no longer locked; see LOGIN_FREE_FAILURES and LOGIN_MAX_DELAY_SECONDS',
};

function text(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function required(env: Env, name: string): string {
  const v = text(env, name);
  if (v === undefined) throw new ConfigError(name, 'is required');
  return v;
}

function url(env: Env, name: string, protocols: string[], fallback?: string): string {
  const raw = text(env, name) ?? fallback;
  if (raw === undefined) throw new ConfigError(name, 'is required');
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol.replace(/:$/, '')}`);
  }
  return raw;
}

function integer<F extends number | null>(env: Env, name: string, fallback: F, min: number, max: number): number | F {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number between ${min} and ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, 'must be true or false');
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = text(env, name) ?? fallback;
  if (!values.includes(raw as T)) throw new ConfigError(name, `must be one of ${values.join(', ')}`);
  return raw as T;
}

/**
 * TRUST_PROXY: a hop count, or a comma-separated list of addresses, CIDRs and Express's names
 * (`loopback`, `linklocal`, `uniquelocal`). Unset trusts no proxy. `true` (trust any peer's
 * X-Forwarded-For) is refused: it lets every client choose its own address.
 */
function trustProxy(env: Env): AppConfig['trustProxy'] {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === undefined || /^(false|0|none)$/i.test(raw)) return false;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((s) => s.trim());
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    const family = isIP(address ?? '');
    const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!named && (family === 0 || !bitsOk || extra !== undefined)) {
      throw new ConfigError('TRUST_PROXY', `must be a hop count or proxy addresses/CIDRs (loopback, 10.0.0.0/8, …); got ${entry}`);
    }
  }
  return entries;
}

/** Validates `env` and returns the typed configuration, or throws a {@link ConfigError}. */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const production = nodeEnv === 'production';
  for (const [name, why] of Object.entries(REPLACED))
    if (text(env, name) !== undefined) throw new ConfigError(name, `is no longer used: ${why}`);

  const adminEmail = text(env, 'ADMIN_EMAIL') ?? null;
  const adminPassword = text(env, 'ADMIN_PASSWORD') ?? null;
  if (adminEmail !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(adminEmail)) {
    throw new ConfigError('ADMIN_EMAIL', 'must be an email address');
  }
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError(adminEmail === null ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD', 'ADMIN_EMAIL and ADMIN_PASSWORD go together');
  }
  if (adminPassword !== null && adminPassword.length < 12) {
    throw new ConfigError('ADMIN_PASSWORD', 'must be at least 12 characters');
  }

  const dataDir = resolve(text(env, 'DATA_DIR') ?? join(process.cwd(), '.data'));
  let jwtSecret = text(env, 'JWT_SECRET');
  if (jwtSecret === undefined && production) throw new ConfigError('JWT_SECRET', 'is required in production');
  if (jwtSecret === undefined) {
    try {
      jwtSecret = instanceSecret(dataDir);
    } catch (e) {
      throw new ConfigError(
        'JWT_SECRET',
        `is unset and ${join(dataDir, JWT_SECRET_FILE)} cannot be read or created (${(e as Error).message})`,
      );
    }
  }
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');

  const demoSeed = bool(env, 'DEMO_SEED', !production);
  if (demoSeed && production) throw new ConfigError('DEMO_SEED', 'must be off in production');

  const smsBase = text(env, 'SMS_BASE_URL');
  let sms: AppConfig['sms'] = null;
  if (smsBase !== undefined) {
    sms = {
      baseUrl: url(env, 'SMS_BASE_URL', ['http', 'https']),
      accountSid: required(env, 'SMS_ACCOUNT_SID'),
      authToken: required(env, 'SMS_AUTH_TOKEN'),
      from: required(env, 'SMS_FROM'),
      // After this long without an answer a send's outcome is unknown (README "Providers").
      timeoutMs: integer(env, 'SMS_TIMEOUT_MS', 10_000, 100, 120_000),
    };
  }

  // Production must not "send" patient email to a log nobody reads.
  const smtpUrl = text(env, 'SMTP_URL') === undefined ? null : url(env, 'SMTP_URL', ['smtp', 'smtps']);
  if (smtpUrl === null && production) throw new ConfigError('SMTP_URL', 'is required in production (email would only be logged)');
  const smtpFrom = text(env, 'SMTP_FROM') ?? 'Chairtime <no-reply@chairtime.local>';
  if (!/^(?:[^<>@]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/.test(smtpFrom)) {
    throw new ConfigError('SMTP_FROM', 'must be an email address, optionally as "Name <address>"');
  }

  const queuePrefix = text(env, 'QUEUE_PREFIX') ?? '{chairtime}';
  if (!/^\{[A-Za-z0-9_-]+\}$/.test(queuePrefix)) {
    throw new ConfigError('QUEUE_PREFIX', 'must be a Redis Cluster hash tag like {chairtime}');
  }

  const offsetRaw = text(env, 'CLOCK_OFFSET_MS');
  if (offsetRaw !== undefined && production) throw new ConfigError('CLOCK_OFFSET_MS', 'is a test setting and refused in production');
  if (offsetRaw !== undefined && !/^-?\d{1,8}$/.test(offsetRaw)) {
    throw new ConfigError('CLOCK_OFFSET_MS', 'must be a whole number of milliseconds (at most ±1 day)');
  }
  const clockOffsetMs = offsetRaw === undefined ? 0 : Number(offsetRaw);
  if (Math.abs(clockOffsetMs) > 86_400_000)
    throw new ConfigError('CLOCK_OFFSET_MS', 'must be a whole number of milliseconds (at most ±1 day)');

  const clusterRaw = text(env, 'REDIS_CLUSTER_NODES');
  const redisClusterNodes =
    clusterRaw === undefined
      ? null
      : clusterRaw.split(',').map((node) => {
          const m = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(node.trim());
          if (!m || Number(m[2]) > 65535) throw new ConfigError('REDIS_CLUSTER_NODES', 'must be host:port,host:port,...');
          return { host: m[1], port: Number(m[2]) };
        });

  return {
    nodeEnv,
    port: integer(env, 'PORT', 3000, 1, 65535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres', 'postgresql']),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', null, 1, 200),
    redisUrl: url(env, 'REDIS_URL', ['redis', 'rediss']),
    redisClusterNodes,
    queuePrefix,
    adminEmail,
    adminPassword,
    demoSeed,
    jwtSecret,
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400),
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', 14 * 86_400, 300, 90 * 86_400),
    sessionRevocationPollMs: integer(env, 'SESSION_REVOCATION_POLL_MS', 2_000, 100, 60_000),
    loginFreeFailures: integer(env, 'LOGIN_FREE_FAILURES', 3, 1, 100),
    loginMaxDelaySeconds: integer(env, 'LOGIN_MAX_DELAY_SECONDS', 900, 1, 86_400),
    loginSourceMaxFailures: integer(env, 'LOGIN_SOURCE_MAX_FAILURES', 50, 5, 100_000),
    trustProxy: trustProxy(env),
    dataDir,
    corsOrigins: (text(env, 'CORS_ORIGINS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    bodyLimit: text(env, 'BODY_LIMIT') ?? '100kb',
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      nodeEnv === 'test' ? 'warn' : 'info',
    ),
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 6 * 365, 1, 100 * 365),
    publicBaseUrl: url(env, 'PUBLIC_BASE_URL', ['http', 'https'], `http://localhost:${text(env, 'PORT') ?? '3000'}`),
    webDistDir: resolve(text(env, 'WEB_DIST_DIR') ?? join('dist', 'web')),
    smtpUrl,
    smtpFrom,
    sms,
    fallbackChannel: oneOf(env, 'FALLBACK_CHANNEL', ['log', 'email', 'sms'] as const, 'log'),
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 64, 1, 500),
    throttleLimitPerMinute: integer(env, 'THROTTLE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    clockOffsetMs,
  };
}
