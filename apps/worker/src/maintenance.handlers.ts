import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@chairtime/domain';
import { JobHandler, JobName, OutboxEntry, QueueName } from '@chairtime/jobs';
import { sendJobsStillDue } from '@chairtime/messaging';
import { OutboxRelayService } from './outbox-relay.service';
import { RECONCILE_OVERLAP_MS, ReconcileMarker } from './reconcile-marker';

const PAGE = 1000;

/**
 * The open relayed rows in relay order, one page from the key ($1 relayed_at as text, $2 id) on.
 * Served by `outbox_entry_open_relayed_idx`, so a pass that starts at a recent key reads only the
 * rows relayed since, however many older ones are pending.
 */
const OPEN_RELAYED_SQL = `SELECT id, queue, job_name, job_id, payload, run_at, relayed_at, relayed_at::text AS relayed_key
  FROM outbox_entry
  WHERE op = 'add' AND done_at IS NULL AND relayed_at IS NOT NULL AND (relayed_at, id) > ($1::timestamptz, $2::bigint)
  ORDER BY relayed_at, id
  LIMIT ${PAGE}`;

interface OpenRelayedRow {
  id: string;
  queue: string;
  job_name: string;
  job_id: string;
  payload: Record<string, unknown>;
  run_at: Date | null;
  relayed_at: Date;
  /** `relayed_at` as PostgreSQL writes it (microseconds kept): the exact key of the next page. */
  relayed_key: string;
}

/**
 * Rebuilds Redis from Postgres: every outbox job that was relayed but whose handler has not
 * finished must exist in its queue; any that does not (Redis restarted without persistence,
 * flushed, or evicted) is added again with its original id and run time — except a send whose
 * message has ended or is past its not-after, whose row is closed instead ({@link sendJobsStillDue}).
 *
 * Only what can be missing is read: each queue's {@link ReconcileMarker} says since when its Redis
 * is known to hold every relayed job. While it stands, a pass reads the rows relayed since the last
 * pass (minus an overlap), not every open row; once Redis lost data the marker is gone with it, and
 * the pass checks every open row, as the first pass after a worker starts does.
 */
@Injectable()
export class ReconcileHandler implements JobHandler<JobName.Reconcile> {
  readonly jobName = JobName.Reconcile;
  private readonly logger = new Logger(ReconcileHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelayService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(): Promise<void> {
    const restored = await this.reconcile();
    if (restored > 0) this.logger.warn({ restored }, 'reconciler restored jobs missing from Redis');
  }

  /** Returns how many jobs it had to restore. */
  async reconcile(): Promise<number> {
    return (await this.reconcilePass()).restored;
  }

  /**
   * One pass: `full` when some queue's marker was missing (every open relayed row read), `checked`
   * the rows whose job it looked up in Redis, `restored` the jobs it added back.
   */
  async reconcilePass(): Promise<{ full: boolean; checked: number; restored: number }> {
    // The pass's start on the database's clock, the one `relayed_at` is written with.
    const [{ at }] = await this.dataSource.query<{ at: Date }[]>('SELECT clock_timestamp() AS at');
    const markers = new Map<string, { marker: ReconcileMarker; expected: string; from: number | null }>();
    for (const name of Object.values(QueueName)) {
      const marker = new ReconcileMarker(this.relay.queue(name));
      const read = await marker.read();
      const full = read.since === null || read.raw === null;
      markers.set(name, {
        marker,
        expected: full ? await marker.beginFull() : (read.raw as string),
        from: full ? null : (read.since as number) - RECONCILE_OVERLAP_MS,
      });
    }
    const froms = [...markers.values()].map((m) => m.from);
    const start = froms.some((f) => f === null) ? null : Math.min(...(froms as number[]));
    let key = start === null ? '-infinity' : new Date(start).toISOString();
    let after = '0';
    let restored = 0;
    let checked = 0;
    for (;;) {
      const rows = await this.dataSource.query<OpenRelayedRow[]>(OPEN_RELAYED_SQL, [key, after]);
      if (rows.length === 0) break;
      key = rows[rows.length - 1].relayed_key;
      after = rows[rows.length - 1].id;
      // Each queue only from its own marker on (a queue whose marker is gone: every row).
      const wanted = rows.filter((r) => {
        const from = markers.get(r.queue)?.from ?? null;
        return from === null || r.relayed_at.getTime() >= from;
      });
      checked += wanted.length;
      const missing = await sendJobsStillDue(this.dataSource, await this.missingFromRedis(wanted.map(toEntry)), this.clock.now());
      if (missing.length) {
        await this.relay.push(missing);
        restored += missing.length;
      }
    }
    for (const m of markers.values()) await m.marker.complete(m.expected, at.getTime());
    return { full: start === null, checked, restored };
  }

  /**
   * The rows whose job is not in its queue. One pipelined EXISTS of the job keys per page and
   * queue: reading each job (a round trip and a job built per row) made every reconcile — at
   * start and every 5 minutes — cost seconds of the worker's CPU with many messages pending,
   * taken from sends.
   */
  private async missingFromRedis(rows: OutboxEntry[]): Promise<OutboxEntry[]> {
    const byQueue = new Map<QueueName, OutboxEntry[]>();
    for (const r of rows) byQueue.set(r.queue as QueueName, [...(byQueue.get(r.queue as QueueName) ?? []), r]);
    const missing: OutboxEntry[] = [];
    for (const [name, list] of byQueue) {
      const queue = this.relay.queue(name);
      const pipeline = (await queue.backend.client).pipeline();
      for (const r of list) pipeline.runCommand('exists', [queue.toKey(r.jobId)]);
      const answers = (await pipeline.exec()) ?? [];
      if (answers.length !== list.length) throw new Error(`reconcile: ${answers.length} answers for ${list.length} jobs`);
      list.forEach((r, i) => {
        const [err, exists] = answers[i];
        if (err) throw err;
        if (Number(exists) === 0) missing.push(r);
      });
    }
    return missing;
  }
}

/** Deletes outbox rows whose work is finished, after a week kept for investigation. */
@Injectable()
export class PurgeOutboxHandler implements JobHandler<JobName.PurgeOutbox> {
  readonly jobName = JobName.PurgeOutbox;

  constructor(private readonly dataSource: DataSource) {}

  async handle(): Promise<void> {
    await this.dataSource.query("DELETE FROM outbox_entry WHERE done_at < now() - interval '7 days' AND relayed_at IS NOT NULL");
  }
}

function toEntry(r: OpenRelayedRow): OutboxEntry {
  return Object.assign(new OutboxEntry(), {
    id: r.id,
    op: 'add' as const,
    queue: r.queue,
    jobName: r.job_name,
    jobId: r.job_id,
    payload: r.payload,
    runAt: r.run_at,
  });
}
