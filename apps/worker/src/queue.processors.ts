import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import type { Job } from 'bullmq';
import { QueueName } from '@chairtime/jobs';
import { JobDispatcher } from './job-dispatcher';

/*
 * One processor per queue, so concurrency and retention are tuned per kind of work; each hands
 * the job to the dispatcher. Message concurrency comes from WORKER_CONCURRENCY.
 */

@Processor(QueueName.Messages)
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

@Processor(QueueName.Workflows, { concurrency: 10 })
export class WorkflowsProcessor extends WorkerHost {
  constructor(private readonly dispatcher: JobDispatcher) {
    super();
  }
  process(job: Job): Promise<void> {
    return this.dispatcher.dispatch(job);
  }
}

@Processor(QueueName.Maintenance, { concurrency: 1 })
export class MaintenanceProcessor extends WorkerHost {
  constructor(private readonly dispatcher: JobDispatcher) {
    super();
  }
  process(job: Job): Promise<void> {
    return this.dispatcher.dispatch(job);
  }
}
