import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobName } from '@chairtime/jobs';
import { AuditPurgeService } from './audit-purge.service';

/** Daily retention of the audit log (scheduled by the worker like the other housekeeping jobs). */
@Injectable()
export class PurgeAuditHandler implements JobHandler<JobName.PurgeAudit> {
  readonly jobName = JobName.PurgeAudit;
  private readonly logger = new Logger(PurgeAuditHandler.name);

  constructor(private readonly purger: AuditPurgeService) {}

  async handle(): Promise<void> {
    const deleted = await this.purger.purge();
    if (deleted > 0) this.logger.log({ deleted }, 'purged audit rows past retention');
  }
}
