import { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** Expiry instants (epoch ms) of one client's hits under one limit, oldest first. */
class HitLog {
  private times: number[] = [];
  private head = 0;

  get count(): number {
    return this.times.length - this.head;
  }

  /** Expiry of the oldest live hit, if any. */
  get oldest(): number | undefined {
    return this.count > 0 ? this.times[this.head] : undefined;
  }

  push(expiresAt: number): void {
    this.times.push(expiresAt);
  }

  /**
   * Drops the hits expired at `now`. Hits are appended with `now + ttl` and a limit keeps its
   * ttl, so expiries only grow: the expired ones are always at the front (amortised O(1)).
   */
  prune(now: number): void {
    while (this.head < this.times.length && this.times[this.head] <= now) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }
}

interface ClientRecord {
  expiresAt: number;
  blockExpiresAt: number;
  isBlocked: boolean;
  hits: Map<string, HitLog>;
}

/** Idle clients are forgotten this often. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * In-process throttler storage with the semantics of `@nestjs/throttler`'s own (a sliding log of
 * hits per client and limit, blocking for `blockDuration` once over the limit, the same
 * `totalHits` / `timeToExpire` / `timeToBlockExpire` answers and rate-limit headers), at a
 * constant cost per request: the library's re-filters every hit of the window on every request,
 * which grows with the limit and was most of the throttler's share of a request's CPU.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly clients = new Map<string, ClientRecord>();
  private sweep: NodeJS.Timeout | undefined;

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = Date.now();
    this.sweep ??= setInterval(() => this.evictIdle(Date.now()), SWEEP_INTERVAL_MS).unref();
    let client = this.clients.get(key);
    if (!client) {
      client = { expiresAt: now + ttl, blockExpiresAt: 0, isBlocked: false, hits: new Map() };
      this.clients.set(key, client);
    }
    let hits = client.hits.get(throttlerName);
    if (!hits) {
      hits = new HitLog();
      client.hits.set(throttlerName, hits);
    }
    hits.prune(now);
    if (client.expiresAt - now <= 0) client.expiresAt = now + ttl;
    const timeToExpire = Math.ceil((client.expiresAt - now) / 1000);

    if (blockDuration <= 0) {
      const isBlocked = hits.count >= limit;
      if (!isBlocked) hits.push(now + ttl);
      const oldest = hits.oldest;
      return Promise.resolve({
        totalHits: hits.count + (isBlocked ? 1 : 0),
        timeToExpire,
        isBlocked,
        timeToBlockExpire: isBlocked ? (oldest === undefined ? timeToExpire : Math.ceil((oldest - now) / 1000)) : 0,
      });
    }
    if (!client.isBlocked) hits.push(now + ttl);
    if (hits.count > limit && !client.isBlocked) {
      client.isBlocked = true;
      client.blockExpiresAt = now + blockDuration;
    }
    const timeToBlockExpire = Math.ceil((client.blockExpiresAt - now) / 1000);
    if (timeToBlockExpire <= 0 && client.isBlocked) {
      // The block is over: the window starts again from this hit.
      client.isBlocked = false;
      hits.clear();
      hits.push(now + ttl);
    }
    return Promise.resolve({ totalHits: hits.count, timeToExpire, isBlocked: client.isBlocked, timeToBlockExpire });
  }

  /** Forgets clients with no live hit, no running block and an expired window. */
  evictIdle(now: number): void {
    for (const [key, c] of this.clients) {
      if ((c.isBlocked && c.blockExpiresAt > now) || c.expiresAt > now) continue;
      let live = false;
      for (const hits of c.hits.values()) {
        hits.prune(now);
        live ||= hits.count > 0;
      }
      if (!live) this.clients.delete(key);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
    this.sweep = undefined;
    this.clients.clear();
  }
}
