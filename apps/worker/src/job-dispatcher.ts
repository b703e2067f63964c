import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { JOB_HANDLERS, JobHandler, JobName, indexHandlers } from '@chairtime/jobs';
import { Metrics } from '@chairtime/observability';

/** Routes a job to its one handler, then closes its outbox row so the reconciler leaves it be. */
@Injectable()
export class JobDispatcher {
  private readonly logger = new Logger(JobDispatcher.name);
  private readonly handlers: Map<JobName, JobHandler>;
  /** The outbox close now running (settled when idle). */
  private inFlight: Promise<void> = Promise.resolve();
  /** Ids that will be closed after it. */
  private next: DoneBatch | null = null;

  constructor(
    @Inject(JOB_HANDLERS) handlers: JobHandler[],
    private readonly dataSource: DataSource,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {
    this.handlers = indexHandlers(handlers);
  }

  async dispatch(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    try {
      await handler.handle(job.data as never, job);
    } catch (e) {
      this.metrics.jobFailures.inc({ queue: job.queueName, job: job.name });
      this.logger.warn({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1, err: (e as Error).message }, 'job attempt failed');
      throw e;
    }
    if (job.id) await this.markDone(job.id);
  }

  /**
   * Closes the outbox row of a finished job. Jobs finishing while a close is in flight are closed
   * together by the next one — one statement for many jobs under load, no waiting when idle. The
   * job completes only after its row is closed; if that fails the job is retried, which the
   * handlers' idempotency makes harmless.
   */
  private markDone(jobId: string): Promise<void> {
    if (!this.next) {
      const batch: DoneBatch = { ids: [], closed: Promise.resolve() };
      batch.closed = this.inFlight.then(() => {
        this.next = null;
        return this.close(batch.ids);
      });
      this.inFlight = batch.closed.catch(() => undefined);
      this.next = batch;
    }
    this.next.ids.push(jobId);
    return this.next.closed;
  }

  private async close(jobIds: string[]): Promise<void> {
    await this.dataSource.query(`UPDATE outbox_entry SET done_at = now() WHERE job_id = ANY($1) AND op = 'add' AND done_at IS NULL`, [
      jobIds,
    ]);
  }
}

/** Job ids waiting for one outbox close, and that close. */
interface DoneBatch {
  ids: string[];
  closed: Promise<void>;
}
