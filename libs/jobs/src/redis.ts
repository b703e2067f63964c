import Redis, { Cluster, type RedisOptions } from 'ioredis';

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

/**
 * A client for the configured Redis: a Cluster when REDIS_CLUSTER_NODES is set (credentials and
 * TLS still come from REDIS_URL), else a single node.
 */
export function createRedisClient(
  config: { redisUrl: string; redisClusterNodes: { host: string; port: number }[] | null },
  extra: Partial<RedisOptions> = {},
): Redis | Cluster {
  const options = redisOptionsFromUrl(config.redisUrl, extra);
  if (!config.redisClusterNodes) return new Redis(options);
  // Cluster nodes are discovered from the seeds; a cluster has no database number.
  const { host: _host, port: _port, db: _db, enableOfflineQueue, lazyConnect, ...nodeOptions } = options;
  return new Cluster(config.redisClusterNodes, {
    redisOptions: nodeOptions,
    enableOfflineQueue,
    lazyConnect,
    clusterRetryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
