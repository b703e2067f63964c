import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { JOB_HANDLERS, JobHandler, JobName, OutboxEntry, indexHandlers } from '@chairtime/jobs';
import { Metrics } from '@chairtime/observability';

/** Routes a job to its one handler, then closes its outbox row so the reconciler leaves it be. */
@Injectable()
export class JobDispatcher {
  private readonly logger = new Logger(JobDispatcher.name);
  private readonly handlers: Map<JobName, JobHandler>;

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
    if (job.id) {
      await this.dataSource
        .createQueryBuilder()
        .update(OutboxEntry)
        .set({ doneAt: () => 'now()' })
        .where("job_id = :id AND op = 'add' AND done_at IS NULL", { id: job.id })
        .execute();
    }
  }
}
