/// <reference types="node" />
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { JobName, QueueName } from '@chairtime/jobs';
import { ReconcileHandler } from '../apps/worker/src/maintenance.handlers';
import { LocalRedis } from '../test/support/local-services';
import { startWorker } from '../test/support/messaging-factories';
import { postgresCpuMs, postgresCpuSince } from './support/postgres-cpu';

/**
 * One reconciler pass at 1,000,000 pending outbox rows (DOMAIN.md plans for ~10 million pending
 * messages). The rows are open `send-message` jobs relayed over the last week, each with its job
 * key present in Redis (a plain key: EXISTS is all the reconciler asks), so a pass restores
 * nothing and measures only what it reads. The worker runs in-process on its own redis-server
 * (a million keys stay off the shared Redis).
 *
 * Reports two passes:
 * - `lostPass`: the pass after Redis lost its data (the reconciler's markers deleted) — what every
 *   pass, every 5 minutes, cost before the markers;
 * - `steadyPass`: the next pass, Redis having lost nothing since — what a pass costs now.
 * Each as wall seconds, worker CPU ms, Postgres CPU ms (where readable) and rows checked.
 * RECONCILER_ROWS changes the row count.
 */
const ROWS = Number(process.env.RECONCILER_ROWS ?? 1_000_000);
const KEY_BATCH = 10_000;
const INSERT_BATCH = 100_000;

interface Pass {
  seconds: number;
  workerCpuMs: number;
  postgresCpuMs: number | null;
  checked: number | null;
  restored: number;
}

export async function run(): Promise<Record<string, unknown>> {
  const redisServer = new LocalRedis({ appendonly: false });
  await redisServer.start();
  const prefix = process.env.QUEUE_PREFIX ?? '{ct-bench-reconciler}';
  const worker = await startWorker(undefined, { REDIS_URL: redisServer.url, QUEUE_PREFIX: prefix });
  const redis = new Redis(redisServer.url);
  try {
    const ds = worker.get(DataSource);
    const handler = worker.get(ReconcileHandler);
    // The worker's first scheduled pass runs at start; let it finish on the empty outbox.
    await new Promise((r) => setTimeout(r, 3_000));

    const t0 = Date.now();
    // In chunks: the data source's statement timeout (15 s) bounds each statement.
    for (let from = 1; from <= ROWS; from += INSERT_BATCH) {
      await ds.query(
        `INSERT INTO outbox_entry (clinic_id, op, queue, job_name, job_id, payload, run_at, relayed_at)
         SELECT NULL, 'add', $1::text, $2::text, 'send-bench-' || g, jsonb_build_object('messageId', gen_random_uuid()),
                now() + (g % 20160) * interval '1 minute', now() - interval '7 days' + (g::float / $3::int) * interval '7 days' - interval '10 minutes'
         FROM generate_series($4::int, $5::int) g`,
        [QueueName.Messages, JobName.SendMessage, ROWS, from, Math.min(from + INSERT_BATCH - 1, ROWS)],
      );
    }
    await ds.query('ANALYZE outbox_entry');
    const queueKey = (jobId: string) => `${prefix}:${QueueName.Messages}:${jobId}`;
    for (let from = 1; from <= ROWS; from += KEY_BATCH) {
      const pipeline = redis.pipeline();
      for (let g = from; g < Math.min(from + KEY_BATCH, ROWS + 1); g++) pipeline.set(queueKey(`send-bench-${g}`), '1');
      await pipeline.exec();
    }
    const setupSeconds = (Date.now() - t0) / 1000;

    const pass = async (): Promise<Pass> => {
      const cpu = process.cpuUsage();
      // The worker's own backends (its application name), where this machine lets us read them.
      const pg = await postgresCpuMs(ds, 'chairtime-worker');
      const started = process.hrtime.bigint();
      // reconcilePass (rows checked) where the code has it; reconcile() otherwise (before the markers).
      const withStats = handler as unknown as { reconcilePass?: () => Promise<{ checked: number; restored: number }> };
      const result = withStats.reconcilePass ? await withStats.reconcilePass() : { checked: null, restored: await handler.reconcile() };
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const used = process.cpuUsage(cpu);
      const pgAfter = await postgresCpuMs(ds, 'chairtime-worker');
      return {
        seconds: Math.round(seconds * 100) / 100,
        workerCpuMs: Math.round((used.user + used.system) / 1000),
        postgresCpuMs: pgAfter.size === 0 ? null : Math.round(postgresCpuSince(pg, pgAfter)),
        checked: result.checked,
        restored: result.restored,
      };
    };

    // Redis lost its data: the markers go with it (the job keys are kept, so nothing is restored
    // and the pass times reading and checking only).
    const markers = await redis.keys(`${prefix}:*:reconciler:verified`);
    if (markers.length) await redis.del(...markers);
    const lostPass = await pass();
    const steadyPass = await pass();
    return {
      name: `reconciler: one pass at ${ROWS.toLocaleString('en-US')} pending outbox rows`,
      rows: ROWS,
      setupSeconds: Math.round(setupSeconds * 10) / 10,
      lostPass,
      steadyPass,
      violations: lostPass.restored + steadyPass.restored,
    };
  } finally {
    redis.disconnect();
    await worker.close();
    await redisServer.stop();
  }
}
