import type { RedisOptions } from 'ioredis';

/**
 * ioredis options from a `redis://` / `rediss://` URL. BullMQ needs `maxRetriesPerRequest: null`
 * on worker connections (blocking commands must not be cut short); queues used by the API set
 * `enableOfflineQueue: false` instead so calls fail fast while Redis is down.
 */
export function redisOptionsFromUrl(url: string, extra: Partial<RedisOptions> = {}): RedisOptions {
  const u = new URL(url);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    ...extra,
  };
}
