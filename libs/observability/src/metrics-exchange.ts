import { AggregatorRegistry, Registry } from 'prom-client';

type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

/**
 * Workers have no HTTP server, so they publish their metrics (lateness, sends, job failures) to
 * one Redis hash, one field per process; the API's /metrics merges them with its own. One key
 * keeps it Redis Cluster-safe; a field older than {@link STALE_MS} (a dead worker) is ignored.
 */
export const STALE_MS = 60_000;

interface HashClient {
  hset(key: string, field: string, value: string): Promise<unknown>;
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, ...fields: string[]): Promise<unknown>;
}

export const metricsKey = (queuePrefix: string): string => `${queuePrefix}:metrics`;

export async function publishMetrics(redis: HashClient, key: string, processId: string, registry: Registry, now: number): Promise<void> {
  await redis.hset(key, processId, JSON.stringify({ at: now, metrics: await registry.getMetricsAsJSON() }));
}

/** Prometheus text of this process's registry plus every live worker's. */
export async function mergedMetrics(redis: HashClient | null, key: string, own: Registry, now: number): Promise<string> {
  if (!redis) return own.metrics();
  let fields: Record<string, string>;
  try {
    fields = await redis.hgetall(key);
  } catch {
    return own.metrics(); // Redis down: serve what we have
  }
  const workers: MetricJson[][] = [];
  const stale: string[] = [];
  for (const [field, raw] of Object.entries(fields)) {
    const parsed = JSON.parse(raw) as { at: number; metrics: MetricJson[] };
    if (now - parsed.at > STALE_MS) stale.push(field);
    else workers.push(parsed.metrics);
  }
  if (stale.length) await redis.hdel(key, ...stale).catch(() => undefined);
  if (workers.length === 0) return own.metrics();
  // Default process metrics (memory, CPU) differ per process and are not summable: keep the
  // API's own and merge only the product metrics from workers.
  const productOnly = workers.map((list) => list.filter((m) => !m.name.startsWith('process_') && !m.name.startsWith('nodejs_')));
  const merged = AggregatorRegistry.aggregate([await own.getMetricsAsJSON(), ...productOnly] as never);
  return merged.metrics();
}
