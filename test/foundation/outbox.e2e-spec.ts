import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { JobName, OutboxEntry, QueueName, enqueue, cancelJobs } from '@chairtime/jobs';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { OutboxRelayService } from '../../apps/worker/src/outbox-relay.service';
import { ReconcileHandler } from '../../apps/worker/src/maintenance.handlers';

/**
 * The outbox against real Postgres and Redis: rows written in a rolled-back transaction never
 * become jobs; committed rows become exactly one job each, even when relayed twice; a flushed
 * Redis is rebuilt from Postgres by the reconciler; a cancelled job is removed and not revived.
 */
describe('transactional outbox', () => {
  let worker: INestApplicationContext;
  let ds: DataSource;
  let relay: OutboxRelayService;
  let queue: Queue;
  const farFuture = () => new Date(Date.now() + 24 * 3600_000);
  const tag = `t${Date.now().toString(36)}`;

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
    worker = await ref.init();
    ds = worker.get(DataSource);
    relay = worker.get(OutboxRelayService);
    queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance));
  });
  afterAll(async () => worker.close());

  const add = (id: string) =>
    ds.transaction((em) => enqueue(em, { name: JobName.PurgeOutbox, jobId: `${tag}-${id}`, payload: {}, runAt: farFuture() }));

  /** Relays until the outbox is empty (the background loop may take some rows first). */
  async function drain(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      await relay.relayBatch();
      const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM outbox_entry WHERE relayed_at IS NULL');
      if (n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('outbox did not drain');
  }

  it('turns committed rows into one delayed job each and forgets rolled-back ones', async () => {
    await add('a');
    await add('b');
    await ds
      .transaction(async (em) => {
        await enqueue(em, { name: JobName.PurgeOutbox, jobId: `${tag}-rolled-back`, payload: {}, runAt: farFuture() });
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await drain();
    expect(await queue.getJob(`${tag}-a`)).toBeTruthy();
    expect(await queue.getJob(`${tag}-b`)).toBeTruthy();
    expect(await queue.getJob(`${tag}-rolled-back`)).toBeUndefined();
    expect(await (await queue.getJob(`${tag}-a`))!.getState()).toBe('delayed');
  });

  it('does not duplicate a job when the same row is pushed again (crash between Redis and commit)', async () => {
    const row = await ds.getRepository(OutboxEntry).findOneByOrFail({ jobId: `${tag}-a` });
    const before = await queue.getDelayedCount();
    await relay.push([row]);
    expect(await queue.getDelayedCount()).toBe(before);
  });

  it('rebuilds jobs lost from Redis and never revives a cancelled one', async () => {
    await add('c');
    await drain();
    await ds.transaction((em) => cancelJobs(em, JobName.PurgeOutbox, [`${tag}-c`]));
    await drain();
    expect(await queue.getJob(`${tag}-c`)).toBeUndefined();

    // Lose every key of this run's prefix, as if Redis restarted without persistence.
    const redis = new Redis(process.env.REDIS_URL!);
    const keys = await redis.keys(`${process.env.QUEUE_PREFIX}:${QueueName.Maintenance}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    expect(await queue.getJob(`${tag}-a`)).toBeUndefined();

    const restored = await worker.get(ReconcileHandler).reconcile();
    expect(restored).toBeGreaterThanOrEqual(2);
    expect(await queue.getJob(`${tag}-a`)).toBeTruthy();
    expect(await queue.getJob(`${tag}-b`)).toBeTruthy();
    expect(await queue.getJob(`${tag}-c`)).toBeUndefined();
    // A second pass finds nothing missing.
    expect(await worker.get(ReconcileHandler).reconcile()).toBe(0);
  });
});
