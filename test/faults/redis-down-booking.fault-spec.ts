import { FaultScenario, report } from '../support/fault-scenario';
import { LocalRedis } from '../support/local-services';

const VISITS = 10;
const MESSAGES_PER_VISIT = 4;

/**
 * Fault: Redis is down (killed) while visits are booked. Every booking still commits — the jobs
 * wait as outbox rows in the same transaction — and once Redis is back the running worker relays
 * them and sends every message exactly once.
 */
describe('fault: Redis stopped while bookings are made', () => {
  const redis = new LocalRedis({ appendonly: false });
  let s: FaultScenario;

  beforeAll(async () => {
    await redis.start();
    s = await FaultScenario.start({ redisUrl: redis.url, visits: VISITS, messagesPerVisit: MESSAGES_PER_VISIT });
  });
  afterAll(async () => {
    await s?.close();
    await redis.stop();
  });

  it('books with Redis down; messages go out once Redis returns', async () => {
    await s.startWorker();
    await redis.kill9();
    // bookVisits expects 201 for every visit: the bookings succeed with Redis down.
    const planned = await s.bookVisits(15, 1);
    expect(planned).toBe(s.total);
    // The worker's relay waits for Redis (its connection queues commands until Redis is back).
    const waiting = await s.unrelayed();
    expect(waiting).toBeGreaterThanOrEqual(s.total);
    expect((await s.counts()).sent).toBe(0);

    await redis.start();
    const after = await s.allSent(60_000);
    report('redis-down-booking', {
      injected: 'redis SIGKILL before booking, started again after',
      visitsBooked: VISITS,
      expected: s.total,
      outboxRowsWhileDown: waiting,
      sent: after.sent,
      ledger: after.ledger,
      duplicated: after.duplicates,
      other: after.other,
    });
    expect(after).toEqual({ scheduled: 0, sent: s.total, other: 0, ledger: s.total, duplicates: 0 });
    expect(await s.unrelayed()).toBe(0);
  });
});
