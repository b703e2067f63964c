import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobHandler, JobName, OutboxEntry, QueueName } from '@chairtime/jobs';
import { OutboxRelayService } from './outbox-relay.service';

const PAGE = 1000;

/**
 * Rebuilds Redis from Postgres: every outbox job that was relayed but whose handler has not
 * finished must exist in its queue; any that does not (Redis restarted without persistence,
 * flushed, or evicted) is added again with its original id and run time.
 */
@Injectable()
export class ReconcileHandler implements JobHandler<JobName.Reconcile> {
  readonly jobName = JobName.Reconcile;
  private readonly logger = new Logger(ReconcileHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelayService,
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
      const missing: OutboxEntry[] = [];
      for (const r of rows) {
        const existing = await this.relay.queue(r.queue as QueueName).getJob(r.jobId);
        if (!existing) missing.push(r);
      }
      if (missing.length) {
        await this.relay.push(missing);
        restored += missing.length;
      }
    }
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
