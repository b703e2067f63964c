import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import type { Job } from 'bullmq';
import { JOB_RETENTION, QueueName } from '@chairtime/jobs';
import { JobDispatcher } from './job-dispatcher';

/*
 * One processor per queue, so concurrency and retention are tuned per kind of work; each hands
 * the job to the dispatcher. Message concurrency comes from WORKER_CONCURRENCY. Retention of
 * finished jobs is a worker setting (JOB_RETENTION), not stored with every job.
 */

// Sends take milliseconds: a short lock (renewed automatically at half its length) means a job
// left active by a crashed worker is detected as stalled and retried within ~15 s, not ~60 s.
// The send ledger keeps that retry from sending twice.
@Processor(QueueName.Messages, { lockDuration: 10_000, stalledInterval: 5_000, ...JOB_RETENTION })
export class MessagesProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly dispatcher: JobDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
  }
  process(job: Job): Promise<void> {
    return this.dispatcher.dispatch(job);
  }
}

@Processor(QueueName.Workflows, { concurrency: 10, lockDuration: 10_000, stalledInterval: 5_000, ...JOB_RETENTION })
export class WorkflowsProcessor extends WorkerHost {
  constructor(private readonly dispatcher: JobDispatcher) {
    super();
  }
  process(job: Job): Promise<void> {
    return this.dispatcher.dispatch(job);
  }
}

@Processor(QueueName.Maintenance, { concurrency: 1, ...JOB_RETENTION })
export class MaintenanceProcessor extends WorkerHost {
  constructor(private readonly dispatcher: JobDispatcher) {
    super();
  }
  process(job: Job): Promise<void> {
    return this.dispatcher.dispatch(job);
  }
}
