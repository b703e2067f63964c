import { Queue } from 'bullmq';
import { QueueName } from '@chairtime/jobs';
import { FaultScenario, report } from '../support/fault-scenario';
import { LocalRedis } from '../support/local-services';
import { waitFor } from '../support/messaging-factories';

const VISITS = 10;
const MESSAGES_PER_VISIT = 6;

/**
 * Fault: Redis (AOF on, `appendfsync always`) is killed with SIGKILL while delayed messages wait
 * in it and some have already gone out, then started again on the same data. The jobs come back
 * from the AOF by themselves — every one is in Redis right after the restart, before any
 * reconciler runs — and the worker, which kept running, sends each message exactly once.
 */
describe('fault: Redis with AOF killed and restarted mid-run', () => {
  const redis = new LocalRedis({ appendonly: true });
  let s: FaultScenario;
  let queue: Queue;

  beforeAll(async () => {
    await redis.start();
    s = await FaultScenario.start({ redisUrl: redis.url, visits: VISITS, messagesPerVisit: MESSAGES_PER_VISIT });
    queue = new Queue(QueueName.Messages, { prefix: s.prefix, connection: { port: redis.port, host: '127.0.0.1' } });
  });
  afterAll(async () => {
    await queue?.close();
    await s?.close();
    await redis.stop();
  });

  /** Jobs of the messages queue Redis holds, in any state. */
  const jobsInRedis = async () => {
    const c = await queue.getJobCounts('delayed', 'waiting', 'active', 'completed', 'failed', 'prioritized');
    return Object.values(c).reduce((a, b) => a + b, 0);
  };

  it('keeps every pending job through the restart and sends each message once', async () => {
    const planned = await s.bookVisits(15, 2);
    expect(planned).toBe(s.total);
    await s.startWorker();
    await waitFor(async () => (await s.counts()).sent >= s.total / 4, 40_000, 50);
    const before = await s.counts();
    expect(before.sent).toBeLessThan(s.total); // the crash lands mid-run
    expect(await s.unrelayed()).toBe(0); // every job is in Redis, none waits in the outbox

    await redis.restart();
    const afterRestart = await jobsInRedis();
    expect(afterRestart).toBe(s.total); // sent ones as completed, pending ones still delayed/waiting

    const after = await s.allSent(60_000);
    report('redis-aof-restart', {
      injected: 'redis SIGKILL + restart (appendonly yes, appendfsync always)',
      expected: s.total,
      sentBeforeCrash: before.sent,
      jobsInRedisAfterRestart: afterRestart,
      sent: after.sent,
      ledger: after.ledger,
      duplicated: after.duplicates,
      other: after.other,
    });
    expect(after).toEqual({ scheduled: 0, sent: s.total, other: 0, ledger: s.total, duplicates: 0 });
  });
});
