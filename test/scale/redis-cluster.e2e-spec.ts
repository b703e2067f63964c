import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobName, OutboxEntry, QueueName, enqueue } from '@chairtime/jobs';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { LocalRedisCluster } from '../support/redis-cluster';
import { scratchDatabase } from '../support/scratch-database';

/**
 * The worker against a real three-node Redis Cluster: the `{hash-tagged}` prefix keeps each
 * queue's keys in one slot, so BullMQ's multi-key scripts run; the outbox relays into the
 * cluster and the worker runs the jobs.
 */
describe('workers on a Redis Cluster', () => {
  const cluster = new LocalRedisCluster();
  let worker: INestApplicationContext;
  const saved = { ...process.env };
  let db: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    db = await scratchDatabase();
    process.env.DATABASE_URL = db.url;
    const nodes = await cluster.start();
    process.env.REDIS_CLUSTER_NODES = nodes.map((n) => `${n.host}:${n.port}`).join(',');
    process.env.QUEUE_PREFIX = `{ct-cluster-${Date.now().toString(36)}}`;
    const ref = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
    worker = await ref.init();
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    process.env = saved;
    await cluster.stop();
    await db?.drop();
  });

  it('relays outbox jobs into the cluster and runs them', async () => {
    const ds = worker.get(DataSource);
    const ids = Array.from({ length: 20 }, (_, i) => `cluster-${Date.now().toString(36)}-${i}`);
    await ds.transaction(async (em) => {
      for (const jobId of ids) await enqueue(em, { name: JobName.PurgeOutbox, jobId, payload: {} });
    });
    const until = Date.now() + 20_000;
    let done = 0;
    while (Date.now() < until) {
      const rows = await ds
        .getRepository(OutboxEntry)
        .createQueryBuilder('o')
        .where('o.job_id IN (:...ids)', { ids })
        .andWhere('o.done_at IS NOT NULL')
        .getCount();
      done = rows;
      if (done === ids.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(done).toBe(ids.length);
    const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance));
    const completed = await queue.getCompletedCount();
    expect(completed).toBeGreaterThanOrEqual(ids.length);
  });
});
