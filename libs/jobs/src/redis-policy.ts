import Redis from 'ioredis';
import { redisOptionsFromUrl } from './redis';

/**
 * BullMQ loses jobs silently when Redis evicts keys, so anything but `noeviction` is a warning at
 * start-up. Managed Redis may refuse CONFIG; that is reported, not fatal.
 */
export async function checkEvictionPolicy(redisUrl: string, warn: (msg: string) => void): Promise<string | null> {
  const client = new Redis(
    redisOptionsFromUrl(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 }),
  );
  try {
    await client.connect();
    const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1] ?? null;
    if (policy !== 'noeviction') warn(`Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" or queued jobs can vanish`);
    return policy;
  } catch (e) {
    warn(`could not read Redis maxmemory-policy (${(e as Error).message}); make sure it is "noeviction"`);
    return null;
  } finally {
    client.disconnect();
  }
}
