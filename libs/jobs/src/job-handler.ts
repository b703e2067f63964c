import type { Job } from 'bullmq';
import { JobName, JobPayloads } from './queues';

/** One handler per job name. Handlers re-read state from Postgres and must be idempotent. */
export interface JobHandler<N extends JobName = JobName> {
  readonly jobName: N;
  handle(payload: JobPayloads[N], job: Job): Promise<void>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/**
 * Indexes handlers by job name and refuses to start when a name has no handler or two — a job
 * nobody can run would otherwise sit in Redis until it is noticed.
 */
export function indexHandlers(handlers: JobHandler[], names: JobName[] = Object.values(JobName)): Map<JobName, JobHandler> {
  const map = new Map<JobName, JobHandler>();
  for (const h of handlers) {
    if (map.has(h.jobName)) throw new Error(`two handlers for job "${h.jobName}"`);
    map.set(h.jobName, h);
  }
  const missing = names.filter((n) => !map.has(n));
  if (missing.length) throw new Error(`no handler for job(s): ${missing.join(', ')}`);
  return map;
}
