import { Queue } from 'bullmq';
import { JobName, QueueName, jobOptions, redisOptionsFromUrl } from '@chairtime/jobs';
import { FaultScenario, report } from '../support/fault-scenario';
import { LocalRedis } from '../support/local-services';

const VISITS = 10;
const MESSAGES_PER_VISIT = 4;

/**
 * Fault: Redis hits `maxmemory` (policy noeviction, limit set to 1 byte at run time), so every
 * write is refused with OOM. A queue call made with the API's producer settings fails at once
 * instead of hanging; bookings still commit and their jobs wait in the outbox; once memory is
 * available again the worker relays them and sends every message exactly once.
 */
describe('fault: Redis at maxmemory (noeviction)', () => {
  const redis = new LocalRedis({ appendonly: false });
  let s: FaultScenario;
  let producer: Queue;

  beforeAll(async () => {
    await redis.start();
    s = await FaultScenario.start({ redisUrl: redis.url, visits: VISITS, messagesPerVisit: MESSAGES_PER_VISIT });
    // The API's producer connection settings (QueuesModule 'producer'): no offline queue, one retry.
    producer = new Queue(QueueName.Maintenance, {
      prefix: s.prefix,
      connection: redisOptionsFromUrl(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }),
    });
    await producer.waitUntilReady();
  });
  afterAll(async () => {
    await producer?.close();
    await s?.close();
    await redis.stop();
  });

  it('fails queue calls fast, commits bookings, relays once memory is back', async () => {
    const worker = await s.startWorker();
    await redis.command('CONFIG', 'SET', 'maxmemory', 1);

    const t0 = performance.now();
    const refused = await producer.add(JobName.PurgeOutbox, {}, jobOptions(JobName.PurgeOutbox, 'oom-probe', undefined, 0)).then(
      () => null,
      (e: Error) => e,
    );
    const failMs = Math.round(performance.now() - t0);
    expect(refused?.message).toMatch(/OOM/);

    const planned = await s.bookVisits(15, 1);
    expect(planned).toBe(s.total);
    await worker.waitForOutput(/outbox relay paused/);
    const waiting = await s.unrelayed();
    expect(waiting).toBeGreaterThanOrEqual(s.total);
    expect((await s.counts()).sent).toBe(0);

    await redis.command('CONFIG', 'SET', 'maxmemory', 0);
    const after = await s.allSent(60_000);
    report('redis-maxmemory', {
      injected: 'CONFIG SET maxmemory 1 (noeviction), then 0',
      queueCallFailedAfterMs: failMs,
      visitsBooked: VISITS,
      expected: s.total,
      outboxRowsWhileFull: waiting,
      sent: after.sent,
      ledger: after.ledger,
      duplicated: after.duplicates,
      other: after.other,
    });
    expect(after).toEqual({ scheduled: 0, sent: s.total, other: 0, ledger: s.total, duplicates: 0 });
    expect(await s.unrelayed()).toBe(0);
  });
});
