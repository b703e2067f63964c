import { Queue } from 'bullmq';
import { QueueName } from '@chairtime/jobs';
import { FaultScenario, report } from '../support/fault-scenario';
import { LocalRedis } from '../support/local-services';
import { waitFor } from '../support/messaging-factories';

const VISITS = 10;
const MESSAGES_PER_VISIT = 6;

/**
 * Fault: Redis without any persistence is killed and restarted mid-run, so every job (and the
 * repeating reconcile schedule) is gone. The running worker re-registers its schedules when it
 * reconnects; the reconciler then rebuilds every pending job from the outbox in PostgreSQL, and
 * each message is sent exactly once — including the ones already sent before the loss.
 */
describe('fault: Redis without persistence restarted (data lost) mid-run', () => {
  const redis = new LocalRedis({ appendonly: false });
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

  it('the reconciler restores every pending message from PostgreSQL; each is sent once', async () => {
    const planned = await s.bookVisits(15, 2);
    expect(planned).toBe(s.total);
    await s.startWorker();
    await waitFor(async () => (await s.counts()).sent >= s.total / 4, 40_000, 50);
    const before = await s.counts();
    expect(before.sent).toBeLessThan(s.total);
    expect(await s.unrelayed()).toBe(0);

    await redis.restart();
    const keysAfterRestart = Number(await redis.command('DBSIZE'));

    const after = await s.allSent(60_000);
    // Completed jobs are not rebuilt (their outbox rows are done): fewer than all proves the loss.
    const completedInRedis = await queue.getCompletedCount();
    report('redis-data-loss', {
      injected: 'redis SIGKILL + restart without persistence',
      expected: s.total,
      sentBeforeLoss: before.sent,
      keysAfterRestart,
      completedJobsInRedis: completedInRedis,
      pendingJobsLost: before.scheduled,
      sent: after.sent,
      ledger: after.ledger,
      duplicated: after.duplicates,
      other: after.other,
    });
    expect(completedInRedis).toBeLessThan(s.total); // the data really was lost
    expect(after).toEqual({ scheduled: 0, sent: s.total, other: 0, ledger: s.total, duplicates: 0 });
  });
});
