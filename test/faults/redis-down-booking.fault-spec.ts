import { FaultScenario, report } from '../support/fault-scenario';
import { LocalRedis } from '../support/local-services';

const VISITS = 10;
const MESSAGES_PER_VISIT = 4;

/**
 * Fault: Redis is down (killed) while visits are booked. Every booking still commits — its
 * plan-messages job waits as an outbox row written in the same transaction — and once Redis is
 * back the running worker relays the jobs, plans each visit's messages once and sends every
 * message exactly once.
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
    // bookVisitsForWorker expects 201 for every visit: the bookings succeed with Redis down.
    const ids = await s.bookVisitsForWorker(15, 1);
    expect(ids).toHaveLength(VISITS);
    // The worker's relay waits for Redis (its connection queues commands until Redis is back), so
    // the plan jobs wait in the outbox and nothing is planned yet.
    const waiting = await s.unrelayed();
    expect(waiting).toBeGreaterThanOrEqual(VISITS);
    expect(await s.planned()).toEqual({ visits: 0, mostPerVisit: 0 });

    await redis.start();
    const after = await s.allSent(60_000);
    const planned = await s.planned();
    report('redis-down-booking', {
      injected: 'redis SIGKILL before booking, started again after',
      visitsBooked: VISITS,
      outboxRowsWhileDown: waiting,
      plannedVisits: planned.visits,
      mostMessagesPerVisit: planned.mostPerVisit,
      expected: s.total,
      sent: after.sent,
      ledger: after.ledger,
      duplicated: after.duplicates,
      other: after.other,
    });
    expect(planned).toEqual({ visits: VISITS, mostPerVisit: MESSAGES_PER_VISIT });
    expect(after).toEqual({ scheduled: 0, sent: s.total, other: 0, ledger: s.total, duplicates: 0 });
    expect(await s.unrelayed()).toBe(0);
  });
});
