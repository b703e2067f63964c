import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { JOB_HANDLERS, JOB_QUEUE, JobHandler, JobName, QueueName } from '@chairtime/jobs';
import { PurgeIdempotencyKeysHandler } from '@chairtime/courses';
import { buildDataSourceOptions } from '@chairtime/persistence';
import { ENTITIES, MIGRATIONS } from '@chairtime/persistence/registry';
import * as sql from '../../libs/messaging/src/message-scheduler.sql';
import { ReconcileHandler } from '../../apps/worker/src/maintenance.handlers';
import { scratchDatabase } from '../support/scratch-database';
import { startWorker, waitFor } from '../support/messaging-factories';

const HOUR = 3600_000;

/**
 * Issue 21's maintenance holes, each on a database of its own (they write or delete rows across
 * the whole table): the reconciler reads only what Redis can have lost, idempotency keys are
 * purged after 24 hours by the maintenance queue, and the ride-job supersede query uses an index.
 */
describe('maintenance (e2e)', () => {
  describe('worker: reconciler and idempotency purge', () => {
    const clock = new FixedClock(Date.now());
    const prefix = `{ct-maint-${Date.now().toString(36)}}`;
    let db: { url: string; drop: () => Promise<void> };
    let worker: INestApplicationContext;
    let ds: DataSource;
    let reconciler: ReconcileHandler;
    let redis: Redis;

    beforeAll(async () => {
      db = await scratchDatabase();
      worker = await startWorker(clock, { DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
      ds = worker.get(DataSource);
      reconciler = worker.get(ReconcileHandler);
      redis = new Redis(process.env.REDIS_URL!);
      // The worker's scheduled first pass has run once every queue carries its marker.
      await waitFor(async () => (await redis.keys(`${prefix}:*:reconciler:verified`)).length === Object.values(QueueName).length);
    }, 60_000);
    afterAll(async () => {
      await worker?.close();
      redis?.disconnect();
      await db?.drop();
    });

    /** Open outbox rows relayed `agoMs` before the database's now, whose jobs Redis does not hold. */
    async function relayedRows(n: number, agoMs: number): Promise<string[]> {
      const ids = Array.from({ length: n }, () => `maint-${randomUUID()}`);
      await ds.query(
        `INSERT INTO outbox_entry (op, queue, job_name, job_id, payload, run_at, relayed_at)
         SELECT 'add', $1, $2, id, '{}', now() + interval '30 days', now() - $3 * interval '1 millisecond' FROM unnest($4::text[]) AS id`,
        [QueueName.Maintenance, JobName.PurgeOutbox, agoMs, ids],
      );
      return ids;
    }
    const maintenance = () => worker.get<Queue>(getQueueToken(QueueName.Maintenance));
    const inRedis = async (ids: string[]) => (await Promise.all(ids.map((id) => maintenance().getJob(id)))).filter(Boolean).length;

    it('purges idempotency keys 24 hours after they were made, as an hourly maintenance job', async () => {
      expect(JOB_QUEUE[JobName.PurgeIdempotencyKeys]).toBe(QueueName.Maintenance);
      const handlers = worker.get<JobHandler[]>(JOB_HANDLERS);
      const handler = handlers.find((h) => h.jobName === JobName.PurgeIdempotencyKeys);
      expect(handler).toEqual(expect.any(PurgeIdempotencyKeysHandler));
      expect(await maintenance().getJobScheduler(JobName.PurgeIdempotencyKeys)).toMatchObject({ every: HOUR });

      const made = clock.now();
      const key = (k: string) =>
        ds.query(
          `INSERT INTO idempotency_key (clinic_id, key, actor, request_hash, response_status, response_body, created_at)
           VALUES ($1, $2, 'actor', 'hash', 201, '{}', $3)`,
          [randomUUID(), k, new Date(made)],
        );
      await key('a');
      await key('b');
      const left = async () => (await ds.query<{ key: string }[]>('SELECT key FROM idempotency_key ORDER BY key')).map((r) => r.key);

      clock.set(made + 24 * HOUR - 1000);
      await handler!.handle({} as never, {} as never);
      expect(await left()).toEqual(['a', 'b']);
      clock.set(made + 24 * HOUR + 1000);
      await handler!.handle({} as never, {} as never);
      expect(await left()).toEqual([]);
    });

    it('reads every open row only once Redis lost data; otherwise only the rows relayed since its last pass', async () => {
      const old = await relayedRows(2_000, 2 * HOUR);
      // Redis lost its data (here: every marker, as a restart without persistence takes them).
      await redis.del(...(await redis.keys(`${prefix}:*:reconciler:verified`)));
      const full = await reconciler.reconcilePass();
      expect(full).toEqual({ full: true, checked: 2_000, restored: 2_000 });
      expect(await inRedis(old.slice(0, 50))).toBe(50);

      // Nothing lost since: the next pass reads none of the 2,000 older rows.
      expect(await reconciler.reconcilePass()).toEqual({ full: false, checked: 0, restored: 0 });

      // A row relayed after the last pass whose job Redis does not have (an AOF's lost tail) is found.
      const recent = await relayedRows(1, 0);
      expect(await reconciler.reconcilePass()).toEqual({ full: false, checked: 1, restored: 1 });
      expect(await inRedis(recent)).toBe(1);

      // The maintenance queue's keys deleted (its marker with them): every open row is read again.
      const keys = await redis.keys(`${prefix}:${QueueName.Maintenance}:*`);
      await redis.del(...keys);
      const again = await reconciler.reconcilePass();
      expect(again).toMatchObject({ full: true, checked: 2_001, restored: 2_001 });
      expect(await inRedis([...old.slice(0, 20), ...recent])).toBe(21);
    });
  });

  describe('ride-job supersede query on 100,000 outbox rows', () => {
    let db: { url: string; drop: () => Promise<void> };
    let ds: DataSource;

    beforeAll(async () => {
      db = await scratchDatabase();
      ds = await new DataSource(
        buildDataSourceOptions({ databaseUrl: db.url, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 2 }),
      ).initialize();
      // 20,000 visits: two open ride checks each (40,000 rows), a done ride check and two send jobs.
      await ds.query(`
        INSERT INTO outbox_entry (op, queue, job_name, job_id, payload, run_at, relayed_at, done_at)
        SELECT 'add', q.queue, q.job_name, q.prefix || v.id || q.suffix, '{}', now() + interval '2 days', now(),
               CASE WHEN q.done THEN now() END
        FROM (SELECT gen_random_uuid()::text AS id FROM generate_series(1, 20000)) v,
             (VALUES ('workflows', 'ride-check', 'ride-', '-2-t-24h', false), ('workflows', 'ride-check', 'ride-', '-2-t-3h', false),
                     ('workflows', 'ride-check', 'ride-', '-1-t-24h', true), ('messages', 'send-message', 'send-', '-a', false),
                     ('messages', 'send-message', 'send-', '-b', true)) AS q(queue, job_name, prefix, suffix, done)`);
      await ds.query('ANALYZE outbox_entry');
    }, 120_000);
    afterAll(async () => {
      await ds?.destroy();
      await db?.drop();
    });

    interface PlanNode {
      'Node Type': string;
      'Relation Name'?: string;
      'Index Name'?: string;
      'Actual Rows': number;
      'Actual Loops': number;
      'Rows Removed by Filter'?: number;
      'Rows Removed by Index Recheck'?: number;
      Plans?: PlanNode[];
    }
    /** Every node of the statement's executed plan, flattened. */
    const planNodes = async (text: string, params: unknown[]): Promise<PlanNode[]> => {
      const [
        {
          'QUERY PLAN': [root],
        },
      ] = await ds.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params);
      const out: PlanNode[] = [];
      const walk = (n: PlanNode) => {
        out.push(n);
        n.Plans?.forEach(walk);
      };
      walk(root.Plan);
      return out;
    };
    const outboxScans = (nodes: PlanNode[]) => nodes.filter((n) => n['Relation Name'] === 'outbox_entry');
    /** Outbox rows the plan read: the ones it returned and the ones its filters threw away. */
    const rowsRead = (nodes: PlanNode[]) =>
      outboxScans(nodes).reduce(
        (sum, n) =>
          sum + n['Actual Loops'] * (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)),
        0,
      );

    it('finds a visit’s open ride jobs through an index, never a sequential scan of the outbox', async () => {
      const [{ n }] = await ds.query<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox_entry');
      expect(n).toBe(100_000);
      const visits = (
        await ds.query<{ job_id: string }[]>(`SELECT job_id FROM outbox_entry WHERE job_id LIKE 'ride-%-2-t-3h' LIMIT 3`)
      ).map((r) => r.job_id.slice('ride-'.length, -'-2-t-3h'.length));
      const prefixes = visits.map((v) => `ride-${v}-`);
      const params = [JobName.RideCheck, prefixes, prefixes.map(sql.prefixEnd)];

      const nodes = await planNodes(sql.OPEN_JOBS_BY_PREFIX_SQL, params);
      expect(nodes.map((n) => n['Index Name'])).toContain('outbox_entry_open_job_idx');
      expect(outboxScans(nodes).filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
      expect(rowsRead(nodes)).toBeLessThanOrEqual(6);
      // Why the statement changed: the pattern-array form reads every open row (60,000 here).
      const likeSql = `SELECT job_id, clinic_id FROM outbox_entry WHERE job_name = $1 AND op = 'add' AND done_at IS NULL AND job_id LIKE ANY($2::text[])`;
      const likeParams = [JobName.RideCheck, prefixes.map((p) => `${p}%`)];
      expect(rowsRead(await planNodes(likeSql, likeParams))).toBeGreaterThanOrEqual(40_000);

      // The same rows as the pattern form it replaces: both open checks of each visit, not the done one.
      const rows = await ds.query<{ job_id: string }[]>(sql.OPEN_JOBS_BY_PREFIX_SQL, params);
      const like = await ds.query<{ job_id: string }[]>(likeSql, likeParams);
      expect(rows.map((r) => r.job_id).sort()).toEqual(like.map((r) => r.job_id).sort());
      expect(rows).toHaveLength(6);
    });
  });
});
