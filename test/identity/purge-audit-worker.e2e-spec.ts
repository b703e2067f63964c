import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { JOB_HANDLERS, JOB_QUEUE, JobHandler, JobName, QueueName } from '@chairtime/jobs';
import { PurgeAuditHandler } from '@chairtime/audit';
import { WorkerModule } from '../../apps/worker/src/worker.module';

/** The worker runs the audit retention job: a handler exists and a daily scheduler is upserted. */
describe('purge-audit in the worker', () => {
  let worker: INestApplicationContext;

  beforeAll(async () => {
    worker = await (await Test.createTestingModule({ imports: [WorkerModule] }).compile()).init();
  });
  afterAll(async () => worker.close());

  it('is a maintenance job with a registered handler, scheduled every 24 h', async () => {
    expect(JOB_QUEUE[JobName.PurgeAudit]).toBe(QueueName.Maintenance);
    const handlers = worker.get<JobHandler[]>(JOB_HANDLERS);
    expect(handlers.filter((h) => h.jobName === JobName.PurgeAudit)).toEqual([expect.any(PurgeAuditHandler)]);
    const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance));
    const scheduler = await queue.getJobScheduler(JobName.PurgeAudit);
    expect(scheduler).toMatchObject({ name: JobName.PurgeAudit, every: 24 * 3600_000 });
  });
});
