import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobHandler, JobName, JobPayloads } from '@chairtime/jobs';
import { inTransaction } from '@chairtime/persistence';
import { MessageSchedulerListener } from './message-scheduler.listener';

/**
 * Plans the messages of visits a booking wrote (the booking's transaction enqueued this job with
 * their ids). Idempotent: visits already planned, moved (their move planned them) or no longer
 * booked are left alone, so a repeated or late delivery changes nothing.
 */
@Injectable()
export class PlanMessagesHandler implements JobHandler<JobName.PlanMessages> {
  readonly jobName = JobName.PlanMessages;
  private readonly logger = new Logger(PlanMessagesHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly listener: MessageSchedulerListener,
  ) {}

  async handle(payload: JobPayloads[JobName.PlanMessages]): Promise<void> {
    const planned = await inTransaction(this.dataSource, (em) => this.listener.planBooked(em, payload.appointmentIds, payload.bookedAt));
    this.logger.debug({ visits: payload.appointmentIds.length, planned }, 'messages planned');
  }
}
