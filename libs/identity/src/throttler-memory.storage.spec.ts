import fc from 'fast-check';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { MemoryThrottlerStorage } from './throttler-memory.storage';

const NOW = Date.parse('2027-03-01T12:00:00Z');

/** One request: wait `waitMs`, then count a hit of `key` under the limit `name`. */
interface Step {
  waitMs: number;
  key: 'a' | 'b';
  name: 'default' | 'login';
}

const LIMITS = {
  default: { ttl: 60_000, limit: 5, blockDuration: 60_000 },
  login: { ttl: 10_000, limit: 3, blockDuration: 0 },
} as const;

describe('MemoryThrottlerStorage', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  it("answers every request exactly as @nestjs/throttler's own storage does", async () => {
    const step = fc.record<Step>({
      // Mostly bursts (to reach the limits and blocks); round waits land exactly on expiries.
      waitMs: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 500 }), weight: 8 },
        { arbitrary: fc.constantFrom(5_000, 10_000, 20_000, 30_000, 60_000), weight: 2 },
        { arbitrary: fc.integer({ min: 2_000, max: 70_000 }), weight: 1 },
      ),
      key: fc.constantFrom('a', 'b'),
      name: fc.constantFrom('default', 'login'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 80 }), async (steps) => {
        jest.setSystemTime(NOW);
        const ours = new MemoryThrottlerStorage();
        const reference = new ThrottlerStorageService();
        try {
          for (const s of steps) {
            jest.setSystemTime(Date.now() + s.waitMs);
            const { ttl, limit, blockDuration } = LIMITS[s.name];
            const key = `${s.name}-${s.key}`;
            expect(await ours.increment(key, ttl, limit, blockDuration, s.name)).toEqual(
              await reference.increment(key, ttl, limit, blockDuration, s.name),
            );
          }
        } finally {
          ours.onApplicationShutdown();
          reference.onApplicationShutdown();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('blocks past the limit for the block duration, then counts afresh', async () => {
    const storage = new MemoryThrottlerStorage();
    const hit = () => storage.increment('k', 60_000, 2, 30_000, 'default');
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await hit()).toMatchObject({ totalHits: 2, isBlocked: false });
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 30 });
    jest.setSystemTime(NOW + 29_999);
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
    jest.setSystemTime(NOW + 30_000);
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
    storage.onApplicationShutdown();
  });

  it('forgets a client once its window, block and hits are all over', async () => {
    const storage = new MemoryThrottlerStorage();
    await storage.increment('k', 1_000, 5, 1_000, 'default');
    const second = async () => (await storage.increment('k', 1_000, 5, 1_000, 'default')).totalHits;
    storage.evictIdle(NOW + 999);
    expect(await second()).toBe(2);
    storage.evictIdle(NOW + 1_000);
    expect(await second()).toBe(1);
    storage.onApplicationShutdown();
  });
});
