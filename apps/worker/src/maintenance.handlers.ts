import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@chairtime/domain';
import { JobHandler, JobName, OutboxEntry, QueueName } from '@chairtime/jobs';
import { sendJobsStillDue } from '@chairtime/messaging';
import { OutboxRelayService } from './outbox-relay.service';

const PAGE = 1000;

/**
 * Rebuilds Redis from Postgres: every outbox job that was relayed but whose handler has not
 * finished must exist in its queue; any that does not (Redis restarted without persistence,
 * flushed, or evicted) is added again with its original id and run time — except a send whose
 * message has ended or is past its not-after, whose row is closed instead ({@link sendJobsStillDue}).
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
    let restored = 0;
    let after = '0';
    for (;;) {
      const rows = await this.dataSource
        .createQueryBuilder(OutboxEntry, 'o')
        .where("o.op = 'add' AND o.relayed_at IS NOT NULL AND o.done_at IS NULL AND o.id > :after", { after })
        .orderBy('o.id')
        .limit(PAGE)
        .getMany();
      if (rows.length === 0) return restored;
      after = rows[rows.length - 1].id;
      const missing = await sendJobsStillDue(this.dataSource, await this.missingFromRedis(rows), this.clock.now());
      if (missing.length) {
        await this.relay.push(missing);
        restored += missing.length;
      }
    }
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
